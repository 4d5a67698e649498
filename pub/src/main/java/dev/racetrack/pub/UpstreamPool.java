package dev.racetrack.pub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive connections to jobs, per address: the most recently used idle connection is reused
 * first (it is the least likely to have been closed by the job), connections idle for longer than
 * the idle limit are closed rather than reused, and at most {@code maxIdlePerJob} idle ones are
 * kept per address.
 */
final class UpstreamPool implements AutoCloseable {
  private final int connectTimeoutMillis;
  private final int readTimeoutMillis;
  private final long maxIdleNanos;
  private final int maxIdlePerJob;
  private final Map<Address, Deque<Upstream>> idle = new ConcurrentHashMap<>();
  private final Map<Address, AtomicInteger> idleCounts = new ConcurrentHashMap<>();
  private final Map<String, Address> addresses = new ConcurrentHashMap<>();
  private volatile boolean closed;

  /** Where a job listens, from its internal name ({@code host:port}). */
  record Address(String host, int port) {
    static Address parse(String internalName) {
      URI uri;
      try {
        uri = URI.create("http://" + internalName);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("invalid job address '" + internalName + "'", e);
      }
      if (uri.getHost() == null || uri.getPort() <= 0 || uri.getRawPath().length() > 0) {
        throw new IllegalArgumentException("invalid job address '" + internalName + "'");
      }
      return new Address(uri.getHost(), uri.getPort());
    }

    String hostHeader() {
      return (host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host)
          + ":"
          + port;
    }
  }

  UpstreamPool(Duration connectTimeout, Duration readTimeout, Duration maxIdle, int maxIdlePerJob) {
    this.connectTimeoutMillis = Math.toIntExact(connectTimeout.toMillis());
    this.readTimeoutMillis = Math.toIntExact(readTimeout.toMillis());
    this.maxIdleNanos = maxIdle.toNanos();
    this.maxIdlePerJob = maxIdlePerJob;
  }

  /** The address of a job's internal name, parsed once. */
  Address address(String internalName) {
    Address known = addresses.get(internalName);
    if (known != null) {
      return known;
    }
    Address parsed = Address.parse(internalName);
    if (addresses.size() > 10_000) {
      addresses.clear(); // jobs come and go: never grow without bound
    }
    addresses.put(internalName, parsed);
    return parsed;
  }

  /** An idle connection to {@code address} if there is a fresh one, else a new connection. */
  Upstream borrow(Address address) throws IOException {
    Deque<Upstream> connections = idle.get(address);
    if (connections != null) {
      long now = System.nanoTime();
      for (Upstream upstream = connections.pollLast();
          upstream != null;
          upstream = connections.pollLast()) {
        idleCounts.get(address).decrementAndGet();
        if (now - upstream.idleSince() < maxIdleNanos) {
          return upstream;
        }
        upstream.close();
      }
    }
    return connect(address);
  }

  /** A new connection. */
  Upstream connect(Address address) throws IOException {
    if (closed) {
      throw new IOException("PUB is shutting down");
    }
    Socket socket = new Socket();
    try {
      socket.setTcpNoDelay(true);
      socket.setKeepAlive(true);
      socket.connect(new InetSocketAddress(address.host(), address.port()), connectTimeoutMillis);
      socket.setSoTimeout(readTimeoutMillis);
      return new Upstream(address, socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Returns a connection after a complete answer, or closes it when it cannot be reused. */
  void release(Upstream upstream, boolean reusable) {
    if (!reusable || closed || upstream.hasLeftovers()) {
      upstream.close();
      return;
    }
    Address address = upstream.address();
    AtomicInteger count = idleCounts.computeIfAbsent(address, a -> new AtomicInteger());
    if (count.incrementAndGet() > maxIdlePerJob) {
      count.decrementAndGet();
      upstream.close();
      return;
    }
    upstream.idle(System.nanoTime());
    idle.computeIfAbsent(address, a -> new ConcurrentLinkedDeque<>()).addLast(upstream);
  }

  /** Closes connections idle for longer than the limit (run now and then). */
  void sweep() {
    long now = System.nanoTime();
    idle.forEach(
        (address, connections) -> {
          for (Upstream upstream : connections) {
            // only the thread that takes a connection out of the deque may close it
            if (now - upstream.idleSince() >= maxIdleNanos && connections.remove(upstream)) {
              idleCounts.get(address).decrementAndGet();
              upstream.close();
            }
          }
        });
  }

  @Override
  public void close() {
    closed = true;
    idle.values().forEach(connections -> connections.forEach(Upstream::close));
    idle.clear();
    idleCounts.clear();
  }
}
