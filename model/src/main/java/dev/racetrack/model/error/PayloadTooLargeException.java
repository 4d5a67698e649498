package dev.racetrack.model.error;

/** A request body or upload above its limit. */
public class PayloadTooLargeException extends RacetrackException {
  private static final long serialVersionUID = 1L;

  public PayloadTooLargeException(String message) {
    super(message);
  }

  public PayloadTooLargeException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 413;
  }
}
