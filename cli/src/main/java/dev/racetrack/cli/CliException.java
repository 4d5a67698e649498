package dev.racetrack.cli;

/** A failure to report to the user in one line, with a non-zero exit code. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }
}
