package dev.racetrack.model.error;

/** Input that breaks a rule: a bad manifest, a malformed body, an unsafe upload. */
public class ValidationException extends RacetrackException {
  private static final long serialVersionUID = 1L;

  public ValidationException(String message) {
    super(message);
  }

  public ValidationException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 400;
  }
}
