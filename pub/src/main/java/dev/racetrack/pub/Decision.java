package dev.racetrack.pub;

import java.util.Optional;

/** The outcome of authorizing one call: allowed with a permit, or refused with a status. */
public record Decision(Optional<CallPermit> permit, int status, String message) {
  public static Decision allow(CallPermit permit) {
    return new Decision(Optional.of(permit), 200, "");
  }

  public static Decision refuse(int status, String message) {
    return new Decision(Optional.empty(), status, message);
  }

  public boolean allowed() {
    return permit.isPresent();
  }
}
