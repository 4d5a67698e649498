package dev.racetrack.model.error;

/** Missing, invalid, revoked or expired credentials, or a permission the caller lacks. */
public class UnauthorizedException extends RacetrackException {
  private static final long serialVersionUID = 1L;

  public UnauthorizedException(String message) {
    super(message);
  }

  public UnauthorizedException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public int httpStatus() {
    return 401;
  }
}
