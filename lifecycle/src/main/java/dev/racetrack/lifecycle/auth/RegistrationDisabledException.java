package dev.racetrack.lifecycle.auth;

import dev.racetrack.model.error.RacetrackException;

/** Registration is turned off on this platform (HTTP 403). */
public final class RegistrationDisabledException extends RacetrackException {
  private static final long serialVersionUID = 1L;

  RegistrationDisabledException() {
    super("registration is disabled on this Racetrack (REGISTRATION_ENABLED=false); ask an admin");
  }

  @Override
  public int httpStatus() {
    return 403;
  }
}
