package dev.racetrack.javawrapper;

/** Sending on a {@link WebSocketSession} that is closed (or whose connection broke). */
public final class WebSocketClosedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  WebSocketClosedException(String message) {
    super(message);
  }
}
