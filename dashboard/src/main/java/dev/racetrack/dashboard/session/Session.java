package dev.racetrack.dashboard.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A browser session, kept in memory on the server; the browser holds only its random id.
 *
 * @param id the cookie value
 * @param csrf the token every form and htmx request of this session must carry
 * @param login who is logged in, if anyone
 * @param expires when the session ends
 */
public record Session(String id, String csrf, Optional<Login> login, Instant expires) {
  public Session {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(csrf, "csrf");
    Objects.requireNonNull(login, "login");
    Objects.requireNonNull(expires, "expires");
  }

  @Override
  public String toString() {
    return "Session[" + login.map(Login::username).orElse("anonymous") + "]";
  }
}
