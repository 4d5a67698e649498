package dev.racetrack.spi;

import dev.racetrack.model.error.RacetrackException;

/** A process cannot be confined (the sandbox tool is missing or refuses the request). */
public class SandboxException extends RacetrackException {
  private static final long serialVersionUID = 1L;

  public SandboxException(String message) {
    super(message);
  }
}
