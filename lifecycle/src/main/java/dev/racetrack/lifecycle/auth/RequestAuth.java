package dev.racetrack.lifecycle.auth;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads the caller of an API request from its headers. */
public final class RequestAuth {
  private final Authenticator authenticator;

  public RequestAuth(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /**
   * The authenticated caller; 401 when the token is missing or not acceptable. The browser session
   * cookie stands in for a missing header on reading requests (GET, HEAD) only, so a page cannot
   * make a logged-in browser change anything (with {@code SameSite=Strict} on top).
   */
  public Caller caller(Context ctx) {
    Optional<String> token = token(ctx);
    if (token.isEmpty() && (ctx.method() == HandlerType.GET || ctx.method() == HandlerType.HEAD)) {
      token = sessionCookie(ctx);
    }
    return authenticator.authenticate(token);
  }

  /** The browser session token of the request's cookie, if any. */
  public static Optional<String> sessionCookie(Context ctx) {
    return Optional.ofNullable(ctx.cookie(UserRoutes.SESSION_COOKIE))
        .map(v -> URLDecoder.decode(v, StandardCharsets.UTF_8))
        .filter(v -> !v.isBlank());
  }

  /** The token a request carries: {@code X-Racetrack-Auth}, then the legacy header names. */
  public static Optional<String> token(Context ctx) {
    return Stream.concat(Stream.of(Authenticator.HEADER), Authenticator.LEGACY_HEADERS.stream())
        .map(ctx::header)
        .filter(v -> v != null && !v.isBlank())
        .findFirst();
  }
}
