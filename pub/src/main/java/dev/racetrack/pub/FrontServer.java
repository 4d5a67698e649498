package dev.racetrack.pub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PUB's public listener: event loops (one per available core) that forward ordinary job calls with
 * a cached permit straight to the job, as nginx would, and pass every other request to the full
 * gateway (Jetty, on an internal loopback port) over kept-alive connections. One thread per core
 * serves any number of connections, and a loop handles every call that is ready when it wakes: on a
 * busy machine that saves a thread wake-up per call.
 */
final class FrontServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FrontServer.class);

  /** Tells the gateway who the client is; the front always sets it, never a client. */
  static final String CLIENT_HEADER = "x-racetrack-pub-client";

  private final ServerSocketChannel listener;
  private final List<FrontLoop> loops = new ArrayList<>();

  FrontServer(
      String host,
      int port,
      int gatewayPort,
      FastPath fastPath,
      PubMetrics metrics,
      PermitCache cache)
      throws IOException {
    listener = ServerSocketChannel.open();
    listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
    listener.bind(new InetSocketAddress(host, port), 1024);
    listener.configureBlocking(false);
    int count = Math.max(1, Runtime.getRuntime().availableProcessors());
    UpstreamPool.Address gateway = new UpstreamPool.Address("127.0.0.1", gatewayPort);
    for (int i = 0; i < count; i++) {
      loops.add(new FrontLoop("pub-loop-" + i, fastPath, gateway, metrics, cache));
    }
    loops.getFirst().accept(listener, loops);
    loops.forEach(FrontLoop::start);
    LOG.debug("pub front: {} event loop(s), gateway on 127.0.0.1:{}", count, gatewayPort);
  }

  int port() {
    return ((InetSocketAddress) listenerAddress()).getPort();
  }

  private java.net.SocketAddress listenerAddress() {
    try {
      return listener.getLocalAddress();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    try {
      listener.close();
    } catch (IOException e) {
      // closing anyway
    }
    loops.forEach(FrontLoop::close);
  }
}
