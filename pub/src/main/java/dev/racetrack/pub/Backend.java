package dev.racetrack.pub;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * A non-blocking connection from a front loop to a job or to the gateway, carrying one exchange at
 * a time: queued request bytes go out as the socket accepts them, answer bytes collect in a buffer
 * for the owning exchange to take.
 */
final class Backend implements FrontLoop.Handler {
  /** Largest answer head accepted. */
  static final int MAX_HEAD = 64 * 1024;

  /** What an exchange hears from its backend. */
  interface Owner {
    void backendReadable(Backend backend) throws IOException;

    /** Everything queued has been written. */
    void backendDrained(Backend backend) throws IOException;

    void backendEnded(Backend backend) throws IOException;

    void backendFailed(Backend backend, Exception failure);
  }

  private final UpstreamPool.Address address;
  private final SocketChannel channel;
  private SelectionKey key;
  private boolean connected;
  private boolean reused;
  private boolean closed;
  private boolean received;
  private boolean wantRead;
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
  private Owner owner;
  private long idleSince;
  private Runnable onIdleEnd;
  byte[] buffer = new byte[16 * 1024];
  int start;
  int end;

  private Backend(UpstreamPool.Address address, SocketChannel channel) {
    this.address = address;
    this.channel = channel;
  }

  static Backend connect(UpstreamPool.Address address, Selector selector) throws IOException {
    SocketChannel channel = SocketChannel.open();
    try {
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      Backend backend = new Backend(address, channel);
      backend.connected = channel.connect(new InetSocketAddress(address.host(), address.port()));
      backend.key =
          channel.register(selector, backend.connected ? 0 : SelectionKey.OP_CONNECT, backend);
      return backend;
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  UpstreamPool.Address address() {
    return address;
  }

  boolean reused() {
    return reused;
  }

  /** Some answer bytes arrived for the current exchange. */
  boolean received() {
    return received;
  }

  long idleSince() {
    return idleSince;
  }

  boolean usable() {
    return !closed && channel.isOpen() && start == end && out.isEmpty();
  }

  /** Taken by an exchange. */
  void attach(Owner newOwner) {
    owner = newOwner;
    onIdleEnd = null;
    received = false;
    wantRead = true;
    updateInterest();
  }

  /** Back in the pool: any byte or the end of the stream now means the job closed it. */
  void idle(long nanos, Runnable onEnd) {
    owner = null;
    reused = true;
    idleSince = nanos;
    onIdleEnd = onEnd;
    wantRead = true;
    updateInterest();
  }

  void send(ByteBuffer bytes) throws IOException {
    out.add(bytes);
    if (connected) {
      flush();
    }
  }

  /** Bytes waiting to go to the backend. */
  long pending() {
    long total = 0;
    for (ByteBuffer b : out) {
      total += b.remaining();
    }
    return total;
  }

  /** Whether to read answers now (off while the client is slow to take them). */
  void wantRead(boolean want) {
    if (wantRead != want) {
      wantRead = want;
      updateInterest();
    }
  }

  @Override
  public void ready(SelectionKey selected) throws IOException {
    if (selected.isConnectable()) {
      channel.finishConnect();
      connected = true;
      flush();
    }
    if (selected.isValid() && selected.isWritable()) {
      flush();
      if (out.isEmpty() && owner != null) {
        owner.backendDrained(this); // the owner may send more now
      }
    }
    if (selected.isValid() && selected.isReadable()) {
      if (owner == null) {
        close(); // an idle connection only ends or misbehaves
        if (onIdleEnd != null) {
          onIdleEnd.run();
        }
        return;
      }
      int n = read();
      if (n < 0) {
        owner.backendEnded(this);
      } else if (n > 0) {
        received = true;
        owner.backendReadable(this);
      }
    }
  }

  @Override
  public void failed(Exception e) {
    Owner current = owner;
    close();
    if (current != null) {
      current.backendFailed(this, e);
    } else if (onIdleEnd != null) {
      onIdleEnd.run();
    }
  }

  private int read() throws IOException {
    if (start == end) {
      start = 0;
      end = 0;
    } else if (end == buffer.length) {
      if (start > 0) {
        System.arraycopy(buffer, start, buffer, 0, end - start);
        end -= start;
        start = 0;
      } else if (buffer.length < MAX_HEAD + 16 * 1024) {
        byte[] larger = new byte[buffer.length * 2];
        System.arraycopy(buffer, 0, larger, 0, end);
        buffer = larger;
      } else {
        return 0; // full: the owner must take bytes first
      }
    }
    int n = channel.read(ByteBuffer.wrap(buffer, end, buffer.length - end));
    if (n > 0) {
      end += n;
    }
    return n;
  }

  private void flush() throws IOException {
    while (!out.isEmpty()) {
      ByteBuffer[] pending = out.toArray(new ByteBuffer[0]);
      channel.write(pending);
      while (!out.isEmpty() && !out.peekFirst().hasRemaining()) {
        out.pollFirst();
      }
      if (!out.isEmpty()) {
        break;
      }
    }
    updateInterest();
  }

  private void updateInterest() {
    if (closed || key == null || !key.isValid()) {
      return;
    }
    int ops = 0;
    if (!connected) {
      ops = SelectionKey.OP_CONNECT;
    } else {
      if (!out.isEmpty()) {
        ops |= SelectionKey.OP_WRITE;
      }
      if (wantRead) {
        ops |= SelectionKey.OP_READ;
      }
    }
    if (key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    owner = null;
    if (key != null) {
      key.cancel();
    }
    try {
      channel.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
