package dev.racetrack.model.build;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Outcome of a build: the artifact or image reference, the full build log, and the error if the
 * build failed.
 */
public record BuildResult(
    @Nullable String imageName, String logs, @Nullable String error, List<String> warnings) {
  public BuildResult {
    logs = logs == null ? "" : logs;
    warnings = warnings == null ? List.of() : List.copyOf(warnings);
  }

  public boolean failed() {
    return error != null;
  }
}
