package dev.racetrack.javawrapper;

/**
 * A request that ends with an error status and a {@code {"error": message}} body. Thrown by route
 * handlers, turned into a response in one place ({@link JobRoutes#handle}).
 */
final class HttpStatusException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  HttpStatusException(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
