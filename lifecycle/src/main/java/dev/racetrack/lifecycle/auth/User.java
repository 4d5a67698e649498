package dev.racetrack.lifecycle.auth;

import java.util.Objects;

/** A user account ({@code auth_user}). */
public record User(
    int id,
    String username,
    String email,
    String passwordHash,
    boolean active,
    boolean staff,
    boolean superuser) {
  public User {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(email, "email");
    Objects.requireNonNull(passwordHash, "passwordHash");
  }

  @Override
  public String toString() {
    return "User[" + username + ", active=" + active + ", staff=" + staff + "]";
  }
}
