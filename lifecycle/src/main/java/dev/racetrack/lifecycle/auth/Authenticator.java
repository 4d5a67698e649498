package dev.racetrack.lifecycle.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.UnauthorizedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Turns a presented token into a {@link Caller} (§4.3): verify the signature (or decode a legacy
 * base64 ESC token), accept internal tokens statelessly, and check every other token against its
 * stored row: known, active, not expired, owner active.
 */
public final class Authenticator {
  public static final String HEADER = "X-Racetrack-Auth";

  /** Header names older clients still send (§4.2). */
  public static final List<String> LEGACY_HEADERS =
      List.of("X-Racetrack-User-Auth", "X-Racetrack-Esc-Auth");

  private final Jwt jwt;
  private final AuthTokenRepository tokens;
  private final InternalTokenRepository internalTokens;
  private final Clock clock;

  public Authenticator(
      Jwt jwt, AuthTokenRepository tokens, InternalTokenRepository internalTokens, Clock clock) {
    this.jwt = jwt;
    this.tokens = tokens;
    this.internalTokens = internalTokens;
    this.clock = clock;
  }

  /**
   * Authenticates a token.
   *
   * @throws UnauthorizedException with the reason when it is absent or not acceptable
   */
  public Caller authenticate(Optional<String> presented) {
    String token =
        presented
            .map(String::strip)
            .filter(t -> !t.isEmpty())
            .orElseThrow(
                () -> new UnauthorizedException("auth token not found in a header " + HEADER));
    TokenPayload payload = decode(token);
    if (payload.subjectType() == SubjectType.INTERNAL) {
      checkInternal(payload);
      return new Caller(
          SubjectType.INTERNAL,
          payload.subject(),
          payload.subject(),
          Optional.empty(),
          payload.scopes().orElse(List.of()));
    }
    StoredToken stored =
        tokens
            .findByToken(token)
            .orElseThrow(() -> new UnauthorizedException("wrong credentials: token is unknown"));
    if (stored.type() != payload.subjectType() || !stored.subjectKey().equals(payload.subject())) {
      throw new UnauthorizedException("wrong credentials: token does not match its subject");
    }
    if (!stored.active()) {
      throw new UnauthorizedException("given access token has been revoked");
    }
    Instant now = clock.instant();
    if (stored.expiryTime().isPresent() && !now.isBefore(stored.expiryTime().get())) {
      throw new UnauthorizedException("given access token has expired");
    }
    if (!stored.ownerActive()) {
      throw new UnauthorizedException("user account " + stored.displayName() + " is not active");
    }
    if (stored.lastUseTime().map(t -> !sameDay(t, now)).orElse(true)) {
      tokens.touch(stored.id());
    }
    return new Caller(
        stored.type(),
        stored.subjectKey(),
        stored.displayName(),
        Optional.of(stored.authSubjectId()),
        List.of());
  }

  /** An internal token must carry an expiry that has not passed and be listed, not revoked. */
  private void checkInternal(TokenPayload payload) {
    Instant expiry =
        payload
            .expiry()
            .orElseThrow(
                () ->
                    new UnauthorizedException(
                        "internal token has no expiry: generate a new one with admin generate-auth"
                            + " --lifetime"));
    if (!clock.instant().isBefore(expiry)) {
      throw new UnauthorizedException("given access token has expired");
    }
    InternalTokenRepository.Issued issued =
        internalTokens
            .find(payload.seed())
            .orElseThrow(() -> new UnauthorizedException("wrong credentials: token is unknown"));
    if (issued.revokeTime().isPresent()) {
      throw new UnauthorizedException("given access token has been revoked");
    }
  }

  private TokenPayload decode(String token) {
    try {
      return jwt.decode(token);
    } catch (UnauthorizedException jwtError) {
      return legacyEscToken(token).orElseThrow(() -> jwtError);
    }
  }

  /** A pre-2.0 ESC token: base64 of {@code {"esc-id": ..., "api-key": ...}} (§4.1). */
  static Optional<TokenPayload> legacyEscToken(String token) {
    try {
      JsonNode node =
          Json.mapper()
              .readTree(new String(Base64.getDecoder().decode(token), StandardCharsets.UTF_8));
      if (node != null && node.hasNonNull("esc-id") && node.hasNonNull("api-key")) {
        return Optional.of(
            new TokenPayload(
                node.get("api-key").asText(),
                node.get("esc-id").asText(),
                SubjectType.ESC,
                Optional.empty()));
      }
    } catch (IllegalArgumentException | IOException e) {
      // not a legacy token either
    }
    return Optional.empty();
  }

  private static boolean sameDay(Instant a, Instant b) {
    return a.atZone(ZoneOffset.UTC).toLocalDate().equals(b.atZone(ZoneOffset.UTC).toLocalDate());
  }
}
