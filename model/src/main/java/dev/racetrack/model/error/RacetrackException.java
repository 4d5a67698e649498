package dev.racetrack.model.error;

/**
 * Base of the platform's unchecked exceptions. Each subclass stands for one HTTP status; the
 * mapping to a response happens in exactly one place per server ({@code ApiErrors}).
 */
public class RacetrackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public RacetrackException(String message) {
    super(message);
  }

  public RacetrackException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The HTTP status this error is reported with. */
  public int httpStatus() {
    return 500;
  }

  /** The {@code type} field of the JSON error body. */
  public String type() {
    return getClass().getSimpleName();
  }
}
