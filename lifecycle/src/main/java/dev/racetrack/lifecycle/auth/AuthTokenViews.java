package dev.racetrack.lifecycle.auth;

import java.time.Instant;

/** How tokens are shown over the API ({@code AuthTokenData}: timestamps in Unix seconds). */
public record AuthTokenViews(
    String id, String token, Long expiryTime, boolean active, Long lastUseTime) {

  public static AuthTokenViews of(AuthTokenRepository.TokenView view) {
    return new AuthTokenViews(
        view.id(),
        view.token(),
        view.expiryTime().map(Instant::getEpochSecond).orElse(null),
        view.active(),
        view.lastUseTime().map(Instant::getEpochSecond).orElse(null));
  }

  @Override
  public String toString() {
    return "AuthTokenViews[" + id + ", active=" + active + "]";
  }
}
