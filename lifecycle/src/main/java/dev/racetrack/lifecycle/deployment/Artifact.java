package dev.racetrack.lifecycle.deployment;

import java.util.Objects;

/**
 * What the build step hands to provisioning: an OCI image reference pinned by digest when the
 * target runs images, else the name of an artifact directory.
 *
 * @param reused true when a built artifact was started again (a reprovision or a move), nothing
 *     being built
 */
public record Artifact(String name, boolean reused) {
  public Artifact {
    Objects.requireNonNull(name, "name");
  }

  /** The tag of an image reference (the last path segment of a directory name). */
  String tag() {
    int colon = name.lastIndexOf(':');
    int slash = name.lastIndexOf('/');
    return colon > slash ? name.substring(colon + 1) : name.substring(slash + 1);
  }
}
