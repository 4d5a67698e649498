package dev.racetrack.model.error;

/** A dependency (lifecycle, database) or the platform itself (maintenance) is not available. */
public class UnavailableException extends RacetrackException {
  private static final long serialVersionUID = 1L;

  public UnavailableException(String message) {
    super(message);
  }

  public UnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 503;
  }
}
