package dev.racetrack.dashboard.session;

import java.util.Objects;

/**
 * Who is logged in to a session.
 *
 * @param username the user
 * @param token the lifecycle session token the dashboard calls lifecycle with (never shown)
 * @param staff whether the user is staff (decides which menus show; lifecycle decides access)
 */
public record Login(String username, String token, boolean staff) {
  public Login {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(token, "token");
  }

  @Override
  public String toString() {
    return "Login[" + username + ", staff=" + staff + "]";
  }
}
