package dev.racetrack.dashboard.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sessions in memory: random ids (the cookie) mapped to a CSRF token and the logged-in user's
 * lifecycle token. Expired sessions are dropped when met and swept when new ones are made.
 */
public final class SessionStore {
  private static final int MAX_SESSIONS = 100_000;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Duration lifetime;

  public SessionStore(Clock clock, Duration lifetime) {
    this.clock = clock;
    this.lifetime = lifetime;
  }

  public Duration lifetime() {
    return lifetime;
  }

  /** The live session of this id, if any. */
  public Optional<Session> find(String id) {
    Session session = sessions.get(id);
    if (session == null) {
      return Optional.empty();
    }
    if (!session.expires().isAfter(clock.instant())) {
      sessions.remove(id);
      return Optional.empty();
    }
    return Optional.of(session);
  }

  /** A new anonymous session. */
  public Session anonymous() {
    return store(Optional.empty());
  }

  /** A new session for a login; the old session (its id and CSRF token) is dropped. */
  public Session login(String previousId, Login login) {
    sessions.remove(previousId);
    return store(Optional.of(login));
  }

  /** Ends a session. */
  public void remove(String id) {
    sessions.remove(id);
  }

  /** Replaces the login of a session (a regenerated token), keeping id and CSRF token. */
  public void update(Session session, Login login) {
    sessions.computeIfPresent(
        session.id(), (id, s) -> new Session(id, s.csrf(), Optional.of(login), s.expires()));
  }

  /** Constant-time comparison of a presented CSRF token with the session's. */
  public static boolean csrfMatches(Session session, String presented) {
    return MessageDigest.isEqual(
        session.csrf().getBytes(StandardCharsets.UTF_8),
        presented.getBytes(StandardCharsets.UTF_8));
  }

  private Session store(Optional<Login> login) {
    if (sessions.size() > MAX_SESSIONS / 2) {
      sessions.values().removeIf(s -> !s.expires().isAfter(clock.instant()));
    }
    if (sessions.size() >= MAX_SESSIONS) {
      // refuse to grow without bound under a flood of cookie-less requests: drop anonymous ones
      sessions.values().removeIf(s -> s.login().isEmpty());
    }
    Session session = new Session(randomId(), randomId(), login, clock.instant().plus(lifetime));
    sessions.put(session.id(), session);
    return session;
  }

  private String randomId() {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
