package dev.racetrack.lifecycle.backup;

/** A backup that cannot be taken, read or restored; the message says why and names the input. */
public final class BackupException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public BackupException(String message) {
    super(message);
  }

  public BackupException(String message, Throwable cause) {
    super(message, cause);
  }
}
