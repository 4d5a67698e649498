package dev.racetrack.javawrapper;

/** The entrypoint class breaks the job code contract; reported by /live and /health. */
public final class JobInitException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobInitException(String message) {
    super(message);
  }

  public JobInitException(String message, Throwable cause) {
    super(message, cause);
  }
}
