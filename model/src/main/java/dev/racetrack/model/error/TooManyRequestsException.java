package dev.racetrack.model.error;

/** A caller is over a rate or concurrency limit; the message names the limit (HTTP 429). */
public class TooManyRequestsException extends RacetrackException {
  private static final long serialVersionUID = 1L;

  public TooManyRequestsException(String message) {
    super(message);
  }

  @Override
  public int httpStatus() {
    return 429;
  }
}
