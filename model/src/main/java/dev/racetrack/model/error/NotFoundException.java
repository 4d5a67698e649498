package dev.racetrack.model.error;

/** A job, deployment or other entity that does not exist. */
public class NotFoundException extends RacetrackException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }

  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 404;
  }
}
