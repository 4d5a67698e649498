package dev.racetrack.lifecycle.auth;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** Issues tokens: signed JWTs with a fresh seed, stored for database-backed subjects. */
public final class TokenIssuer {
  private final Jwt jwt;
  private final AuthTokenRepository tokens;

  public TokenIssuer(Jwt jwt, AuthTokenRepository tokens) {
    this.jwt = jwt;
    this.tokens = tokens;
  }

  /** Creates and stores a new token for a subject. */
  public String issue(
      Handle h,
      String authSubjectId,
      SubjectType type,
      String subjectKey,
      Optional<Instant> expiry) {
    String token =
        jwt.encode(
            new TokenPayload(UUID.randomUUID().toString(), subjectKey, type, Optional.empty()));
    tokens.insert(h, authSubjectId, token, expiry);
    return token;
  }

  /** Re-signs a stored token with the current key and a new seed; the old value stops working. */
  public String reissue(Handle h, AuthTokenRepository.Owned owned) {
    String token =
        jwt.encode(
            new TokenPayload(
                UUID.randomUUID().toString(), owned.subjectKey(), owned.type(), Optional.empty()));
    tokens.replace(h, owned.id(), token);
    return token;
  }

  /** The first (oldest) token of a subject, issuing one if it has none. */
  public String firstOrIssue(Handle h, String authSubjectId, SubjectType type, String subjectKey) {
    List<AuthTokenRepository.TokenView> existing = tokens.listForSubject(authSubjectId);
    return existing.isEmpty()
        ? issue(h, authSubjectId, type, subjectKey, Optional.empty())
        : existing.getFirst().token();
  }

  /**
   * An internal service token (§4.5): not stored, valid while {@code AUTH_KEY} is unchanged.
   *
   * @param scopes scopes it grants; must not be empty
   */
  public String internal(String service, List<String> scopes) {
    return internal(jwt, service, scopes);
  }

  /** See {@link #internal(String, List)}; needs only the signing key. */
  public static String internal(Jwt jwt, String service, List<String> scopes) {
    if (scopes.isEmpty()) {
      throw new IllegalArgumentException("an internal token needs at least one scope");
    }
    return jwt.encode(
        new TokenPayload(
            UUID.randomUUID().toString(), service, SubjectType.INTERNAL, Optional.of(scopes)));
  }
}
