package dev.racetrack.spi;

import dev.racetrack.model.error.RacetrackException;

/** A build that failed for a reason in the job (compile error, unresolvable requirements). */
public class BuildException extends RacetrackException {
  private static final long serialVersionUID = 1L;

  public BuildException(String message) {
    super(message);
  }

  public BuildException(String message, Throwable cause) {
    super(message, cause);
  }
}
