package dev.racetrack.model.manifest;

import java.util.List;
import java.util.Objects;

/** A manifest that passed validation, with the warnings validation produced (deprecated keys). */
public record ValidatedManifest(Manifest manifest, List<String> warnings) {
  public ValidatedManifest {
    Objects.requireNonNull(manifest, "manifest");
    warnings = List.copyOf(warnings);
  }
}
