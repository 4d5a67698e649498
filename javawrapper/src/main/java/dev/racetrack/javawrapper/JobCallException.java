package dev.racetrack.javawrapper;

import java.util.OptionalInt;

/**
 * A job-to-job call failed: the gateway answered with a non-2xx status (the message holds the
 * status and the response body, e.g. PUB's {@code {"error": ...}}), could not be reached, or
 * returned something that is not the expected JSON.
 */
public final class JobCallException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String responseBody;

  JobCallException(String message, int status, String responseBody) {
    super(message);
    this.status = status;
    this.responseBody = responseBody;
  }

  JobCallException(String message, Throwable cause) {
    super(message, cause);
    this.status = -1;
    this.responseBody = "";
  }

  /** HTTP status returned by the gateway; empty when no response was received. */
  public OptionalInt status() {
    return status < 0 ? OptionalInt.empty() : OptionalInt.of(status);
  }

  /** Body of the error response; empty when no response was received. */
  public String responseBody() {
    return responseBody;
  }
}
