package dev.racetrack.pub;

import dev.racetrack.tls.KeyReloader;
import dev.racetrack.tls.ServerKey;
import dev.racetrack.tls.TlsConfig;
import dev.racetrack.tls.TlsException;
import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLException;

/**
 * PUB's HTTPS: an {@link SslHandler} first in every connection's pipeline (so job calls, websockets
 * and async calls all go over TLS), made from the certificate and key current when the connection
 * opens; a changed pair is loaded for the next connections.
 */
final class PubTls implements AutoCloseable {
  private final AtomicReference<SslContext> context;
  private final Optional<KeyReloader> reloader;

  private PubTls(TlsConfig tls) {
    this.context =
        new AtomicReference<>(tls.server().map(f -> context(ServerKey.load(f))).orElse(null));
    this.reloader = tls.server().map(f -> KeyReloader.start(tls, key -> context.set(context(key))));
  }

  static PubTls of(TlsConfig tls) {
    return new PubTls(tls);
  }

  /** Adds the TLS handler to a new connection's pipeline when TLS is on. */
  void addTo(Channel channel) {
    SslContext current = context.get();
    if (current != null) {
      channel.pipeline().addLast("tls", current.newHandler(channel.alloc()));
    }
  }

  private static SslContext context(ServerKey key) {
    try {
      return SslContextBuilder.forServer(key.key(), key.chain().toArray(new X509Certificate[0]))
          .build();
    } catch (SSLException e) {
      throw new TlsException("PUB cannot use the certificate and key: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    reloader.ifPresent(KeyReloader::close);
  }
}
