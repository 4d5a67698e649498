package dev.racetrack.pub;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * What PUB works out once per client connection and keeps for the calls on it: the client's address
 * as forwarded, whether it came over TLS, the hash of the token last presented on it and what the
 * last job call was routed to ({@link RouteMemo}). Used on the connection's event loop.
 */
final class ClientConnection {
  private final Channel channel;
  private final boolean tls;
  private final TokenHashMemo tokenHashes = new TokenHashMemo();
  private final RouteMemo memo = new RouteMemo();
  private String address;

  /** {@code channel}'s pipeline already holds its TLS handler, if it has one. */
  ClientConnection(Channel channel) {
    this.channel = channel;
    this.tls = channel.pipeline().get(SslHandler.class) != null;
  }

  /** The client's address as PUB forwards it ({@code X-Forwarded-For}); empty when unknown. */
  String address() {
    if (address == null) {
      address =
          channel.remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
              ? inet.getAddress().getHostAddress()
              : "";
    }
    return address;
  }

  /** Whether the client reached PUB over TLS (PUB's HTTPS port). */
  boolean tls() {
    return tls;
  }

  /** The scheme the client used: {@code https} or {@code http}. */
  String scheme() {
    return tls ? "https" : "http";
  }

  /** The permit-cache hash of a token presented on this connection. */
  String tokenHash(Optional<String> token) {
    return tokenHashes.hash(token);
  }

  /** What was worked out for this connection's last job call. */
  RouteMemo memo() {
    return memo;
  }

  /** Forgets the token and the memo (the connection ended). */
  void clear() {
    tokenHashes.clear();
    memo.clear();
  }
}
