package dev.racetrack.pub;

import java.util.Optional;

/**
 * The permit-cache hash of the token last presented on one client connection: a keep-alive client
 * sends the same token with every call, so it is hashed once per connection rather than once per
 * call. The token is held only as long as the connection (which carries it on every request
 * anyway), never in the shared cache.
 */
final class TokenHashMemo {
  private String token;
  private String hash;

  /** The hash of {@code token} ({@code "-"} when there is none). */
  String hash(Optional<String> presented) {
    if (presented.isEmpty()) {
      return "-";
    }
    String current = presented.get();
    if (!current.equals(token)) {
      hash = PermitCache.tokenHash(current);
      token = current;
    }
    return hash;
  }

  /** Forgets the token (the connection ended). */
  void clear() {
    token = null;
    hash = null;
  }
}
