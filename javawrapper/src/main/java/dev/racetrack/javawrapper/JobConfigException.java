package dev.racetrack.javawrapper;

/** An environment variable of the wrapper is missing or invalid; the message names it. */
public final class JobConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JobConfigException(String message) {
    super(message);
  }
}
