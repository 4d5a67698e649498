package dev.racetrack.dashboard.web;

/** The page needs a logged-in user: answered with a redirect to the login page. */
public final class LoginRequiredException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LoginRequiredException() {
    super("login required");
  }
}
