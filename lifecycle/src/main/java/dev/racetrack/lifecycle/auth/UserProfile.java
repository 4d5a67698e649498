package dev.racetrack.lifecycle.auth;

/** What login and {@code validate_user_auth} return ({@code UserProfileDto}). */
public record UserProfile(String username, String token, boolean isStaff) {
  @Override
  public String toString() {
    return "UserProfile[" + username + ", staff=" + isStaff + "]";
  }
}
