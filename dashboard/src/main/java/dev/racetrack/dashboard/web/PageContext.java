package dev.racetrack.dashboard.web;

import dev.racetrack.dashboard.session.Login;
import java.util.Objects;
import java.util.Optional;

/**
 * What the layout of every page needs.
 *
 * @param title the page title
 * @param active the menu entry to highlight
 * @param siteName the configured site name
 * @param user who is logged in, if anyone
 * @param csrf the session's CSRF token, put into every form and (by dashboard.js) htmx request
 */
public record PageContext(
    String title, String active, String siteName, Optional<Login> user, String csrf) {
  public PageContext {
    Objects.requireNonNull(title, "title");
    Objects.requireNonNull(active, "active");
    Objects.requireNonNull(siteName, "siteName");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(csrf, "csrf");
  }

  public boolean staff() {
    return user.map(Login::staff).orElse(false);
  }

  public String username() {
    return user.map(Login::username).orElse("");
  }
}
