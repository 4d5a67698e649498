package dev.racetrack.dashboard.web;

/** A request the dashboard refuses itself (bad CSRF token, bad input): status and message. */
public final class WebException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public WebException(int status, String message) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
