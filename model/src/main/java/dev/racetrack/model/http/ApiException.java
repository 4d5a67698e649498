package dev.racetrack.model.http;

import dev.racetrack.model.error.RacetrackException;

/** An error response from a platform API, with the server's status and message. */
public class ApiException extends RacetrackException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final String request;

  public ApiException(int status, String message, String request) {
    super(message);
    this.status = status;
    this.request = request;
  }

  @Override
  public int httpStatus() {
    return status;
  }

  /** Method and path of the failed request. */
  public String request() {
    return request;
  }
}
