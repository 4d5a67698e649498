package dev.racetrack.model.error;

/** An entity that already exists, or an operation already in progress. */
public class AlreadyExistsException extends RacetrackException {
  private static final long serialVersionUID = 1L;

  public AlreadyExistsException(String message) {
    super(message);
  }

  public AlreadyExistsException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 409;
  }
}
