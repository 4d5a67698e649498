package dev.racetrack.dashboard.lifecycle;

/** Lifecycle refused a request or could not be reached; the message is lifecycle's own. */
public final class LifecycleException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public LifecycleException(int status, String message) {
    super(message);
    this.status = status;
  }

  public LifecycleException(String message, Throwable cause) {
    super(message, cause);
    this.status = 502;
  }

  /** Lifecycle's HTTP status (502 when it could not be reached). */
  public int status() {
    return status;
  }
}
