package dev.racetrack.lifecycle.auth;

import dev.racetrack.model.error.ValidationException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** Issues tokens: signed JWTs with a fresh seed, stored (or, for internal tokens, listed). */
public final class TokenIssuer {
  /** The longest lifetime an internal token may have. */
  public static final Duration MAX_INTERNAL_LIFETIME = Duration.ofDays(366);

  private final Jwt jwt;
  private final AuthTokenRepository tokens;
  private final InternalTokenRepository internalTokens;
  private final Clock clock;

  public TokenIssuer(
      Jwt jwt, AuthTokenRepository tokens, InternalTokenRepository internalTokens, Clock clock) {
    this.jwt = jwt;
    this.tokens = tokens;
    this.internalTokens = internalTokens;
    this.clock = clock;
  }

  /** Creates and stores a new API token for a subject. */
  public String issue(
      Handle h,
      String authSubjectId,
      SubjectType type,
      String subjectKey,
      Optional<Instant> expiry) {
    String token = sign(subjectKey, type);
    tokens.insert(h, authSubjectId, token, expiry, AuthTokenRepository.Kind.API);
    return token;
  }

  /** Creates and stores a browser session token of a user, expiring after {@code lifetime}. */
  public String issueSession(Handle h, String authSubjectId, String username, Duration lifetime) {
    String token = sign(username, SubjectType.USER);
    tokens.insert(
        h,
        authSubjectId,
        token,
        Optional.of(clock.instant().plus(lifetime)),
        AuthTokenRepository.Kind.SESSION);
    return token;
  }

  /** Re-signs a stored token with the current key and a new seed; the old value stops working. */
  public String reissue(Handle h, AuthTokenRepository.Owned owned) {
    String token = sign(owned.subjectKey(), owned.type());
    tokens.replace(h, owned.id(), token);
    return token;
  }

  /** The first (oldest) API token of a subject, issuing one if it has none. */
  public String firstOrIssue(Handle h, String authSubjectId, SubjectType type, String subjectKey) {
    List<AuthTokenRepository.TokenView> existing = tokens.listForSubject(authSubjectId);
    return existing.isEmpty()
        ? issue(h, authSubjectId, type, subjectKey, Optional.empty())
        : existing.getFirst().token();
  }

  private String sign(String subjectKey, SubjectType type) {
    return jwt.encode(
        new TokenPayload(UUID.randomUUID().toString(), subjectKey, type, Optional.empty()));
  }

  /** An internal service token (§4.5) and its id (the seed, for revoking it). */
  public record Internal(String token, String seed, Instant expiry) {}

  /**
   * An internal service token: signed with an {@code exp} claim and listed by its seed, so it
   * expires and can be revoked.
   *
   * @param scopes scopes it grants; must not be empty
   * @param lifetime how long it is valid, at most {@link #MAX_INTERNAL_LIFETIME}
   */
  public Internal internal(String service, List<String> scopes, Duration lifetime) {
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("an internal token needs at least one scope");
    }
    if (lifetime.isNegative()
        || lifetime.isZero()
        || lifetime.compareTo(MAX_INTERNAL_LIFETIME) > 0) {
      throw new ValidationException(
          "token lifetime must be positive and at most "
              + MAX_INTERNAL_LIFETIME.toDays()
              + " days, got "
              + lifetime);
    }
    String seed = UUID.randomUUID().toString();
    // whole seconds: exp is a NumericDate
    Instant expiry =
        clock.instant().plus(lifetime).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    internalTokens.insert(seed, service, expiry);
    String token =
        jwt.encode(
            new TokenPayload(
                seed, service, SubjectType.INTERNAL, Optional.of(scopes), Optional.of(expiry)));
    return new Internal(token, seed, expiry);
  }
}
