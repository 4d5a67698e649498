package dev.racetrack.lifecycle.auth;

import io.javalin.http.Context;
import java.util.Optional;
import java.util.stream.Stream;

/** Reads the caller of an API request from its headers. */
public final class RequestAuth {
  private final Authenticator authenticator;

  public RequestAuth(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  /** The authenticated caller; 401 when the token is missing or not acceptable. */
  public Caller caller(Context ctx) {
    return authenticator.authenticate(token(ctx));
  }

  /** The token a request carries: {@code X-Racetrack-Auth}, then the legacy header names. */
  public static Optional<String> token(Context ctx) {
    return Stream.concat(Stream.of(Authenticator.HEADER), Authenticator.LEGACY_HEADERS.stream())
        .map(ctx::header)
        .filter(v -> v != null && !v.isBlank())
        .findFirst();
  }
}
