package dev.racetrack.lifecycle.deployment;

/** What a deployment does. */
public enum DeploymentKind {
  /** Build the submitted source and start it. */
  DEPLOY,
  /** Rebuild from the stored manifest, source and secrets, and start it again. */
  REDEPLOY,
  /** Start the already built artifact again (new environment, e.g. a new family token). */
  REPROVISION,
  /** Start the built artifact on another infrastructure target, then remove it from the old one. */
  MOVE,
  /** Only build the submitted source into an image (for {@code run-local}); nothing starts. */
  BUILD
}
