package dev.racetrack.pub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One event loop of the front: a selector thread owning its client connections, its connections to
 * jobs and to the gateway, and their pools. Nothing here is shared with other threads except the
 * task queue.
 */
final class FrontLoop implements Runnable {
  private static final Logger LOG = LoggerFactory.getLogger(FrontLoop.class);

  /** Something registered with the selector. */
  interface Handler {
    void ready(SelectionKey key) throws IOException;

    void failed(Exception e);
  }

  static final long BACKEND_MAX_IDLE_NANOS = 50_000_000_000L;
  static final int MAX_IDLE_PER_ADDRESS = 256;

  final FastPath fastPath;
  final UpstreamPool.Address gateway;
  final PubMetrics metrics;
  final PermitCache cache;
  private final Selector selector;
  private final Thread thread;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final Map<UpstreamPool.Address, ArrayDeque<Backend>> idle = new HashMap<>();
  private final Set<FrontConnection> connections = new HashSet<>();
  private volatile boolean running = true;
  private long lastSweep = System.nanoTime();

  FrontLoop(
      String name,
      FastPath fastPath,
      UpstreamPool.Address gateway,
      PubMetrics metrics,
      PermitCache cache)
      throws IOException {
    this.fastPath = fastPath;
    this.gateway = gateway;
    this.metrics = metrics;
    this.cache = cache;
    this.selector = Selector.open();
    this.thread = Thread.ofPlatform().name(name).daemon().unstarted(this);
  }

  void start() {
    thread.start();
  }

  /** Accepts connections on this loop, spreading them over {@code loops}. */
  void accept(ServerSocketChannel listener, List<FrontLoop> loops) throws IOException {
    AtomicInteger next = new AtomicInteger();
    listener.register(
        selector,
        SelectionKey.OP_ACCEPT,
        new Handler() {
          @Override
          public void ready(SelectionKey key) throws IOException {
            for (SocketChannel channel = listener.accept();
                channel != null;
                channel = listener.accept()) {
              FrontLoop target = loops.get(Math.floorMod(next.getAndIncrement(), loops.size()));
              SocketChannel accepted = channel;
              if (target == FrontLoop.this) {
                target.adopt(accepted);
              } else {
                target.execute(() -> target.adopt(accepted));
              }
            }
          }

          @Override
          public void failed(Exception e) {
            LOG.warn("pub front: cannot accept a connection: {}", e.toString());
          }
        });
  }

  private void adopt(SocketChannel channel) {
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      FrontConnection connection =
          new FrontConnection(this, channel, (InetSocketAddress) channel.getRemoteAddress());
      connection.register(selector);
      connections.add(connection);
    } catch (IOException e) {
      close(channel);
    }
  }

  void forget(FrontConnection connection) {
    connections.remove(connection);
  }

  /** Runs {@code task} on this loop's thread. */
  void execute(Runnable task) {
    tasks.add(task);
    selector.wakeup();
  }

  private final Map<String, UpstreamPool.Address> addresses = new HashMap<>();

  /** A job's address from its internal name, parsed once. */
  UpstreamPool.Address address(String internalName) {
    UpstreamPool.Address known = addresses.get(internalName);
    if (known == null) {
      known = UpstreamPool.Address.parse(internalName);
      if (addresses.size() > 10_000) {
        addresses.clear();
      }
      addresses.put(internalName, known);
    }
    return known;
  }

  /** An idle connection to {@code address}, or a new one (connecting). */
  Backend borrow(UpstreamPool.Address address) throws IOException {
    ArrayDeque<Backend> pool = idle.get(address);
    if (pool != null) {
      long now = System.nanoTime();
      for (Backend backend = pool.pollLast(); backend != null; backend = pool.pollLast()) {
        if (backend.usable() && now - backend.idleSince() < BACKEND_MAX_IDLE_NANOS) {
          return backend;
        }
        backend.close();
      }
    }
    return Backend.connect(address, selector);
  }

  /** Returns a backend after a complete exchange, or closes it. */
  void release(Backend backend, boolean reusable) {
    if (!reusable || !running || !backend.usable()) {
      backend.close();
      return;
    }
    ArrayDeque<Backend> pool = idle.computeIfAbsent(backend.address(), a -> new ArrayDeque<>());
    if (pool.size() >= MAX_IDLE_PER_ADDRESS) {
      backend.close();
      return;
    }
    backend.idle(System.nanoTime(), () -> pool.remove(backend));
    pool.addLast(backend);
  }

  @Override
  public void run() {
    while (running) {
      try {
        selector.select(1000);
        Set<SelectionKey> keys = selector.selectedKeys();
        for (Iterator<SelectionKey> it = keys.iterator(); it.hasNext(); ) {
          SelectionKey key = it.next();
          it.remove();
          Handler handler = (Handler) key.attachment();
          try {
            if (key.isValid()) {
              handler.ready(key);
            }
          } catch (IOException | RuntimeException e) {
            handler.failed(e);
          }
        }
        for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
          task.run();
        }
        long now = System.nanoTime();
        if (now - lastSweep > 1_000_000_000L) {
          lastSweep = now;
          sweep(now);
        }
      } catch (IOException | RuntimeException e) {
        if (running) {
          LOG.error("pub front loop error", e);
        }
      }
    }
    for (FrontConnection connection : new ArrayList<>(connections)) {
      connection.close();
    }
    idle.values().forEach(pool -> new ArrayList<>(pool).forEach(Backend::close));
    try {
      selector.close();
    } catch (IOException e) {
      // closing anyway
    }
  }

  private void sweep(long now) {
    for (FrontConnection connection : new ArrayList<>(connections)) {
      connection.checkTimeouts(now);
    }
    for (ArrayDeque<Backend> pool : idle.values()) {
      for (Backend backend : new ArrayList<>(pool)) {
        if (now - backend.idleSince() >= BACKEND_MAX_IDLE_NANOS) {
          pool.remove(backend);
          backend.close();
        }
      }
    }
  }

  void close() {
    running = false;
    selector.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  static void close(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
