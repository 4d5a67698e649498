package dev.racetrack.spi;

import dev.racetrack.model.error.RacetrackException;

/** A job that did not become alive and ready; the message carries the reason and recent logs. */
public class JobStartException extends RacetrackException {
  private static final long serialVersionUID = 1L;

  public JobStartException(String message) {
    super(message);
  }

  public JobStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
