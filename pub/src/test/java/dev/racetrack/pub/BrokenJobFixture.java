package dev.racetrack.pub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A job that dies in the middle of a call: it reads the request and then closes the connection,
 * either without answering or right after sending the status line and headers.
 */
final class BrokenJobFixture implements AutoCloseable {
  enum Failure {
    CLOSE_WITHOUT_ANSWER,
    CLOSE_AFTER_HEADERS
  }

  static final String HEADERS =
      """
      HTTP/1.1 200 OK\r
      Content-Type: text/plain\r
      Content-Length: 1000\r
      X-From-Dying-Job: yes\r
      \r
      """;

  private final ServerSocket socket;
  private final Failure failure;
  private final AtomicInteger requests = new AtomicInteger();

  private BrokenJobFixture(Failure failure) {
    this.failure = failure;
    try {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Thread.ofVirtual().name("broken-job").start(this::serve);
  }

  static BrokenJobFixture start(Failure failure) {
    return new BrokenJobFixture(failure);
  }

  String internalName() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket connection = socket.accept()) {
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
        String line = in.readLine();
        while (line != null && !line.isEmpty()) {
          line = in.readLine();
        }
        requests.incrementAndGet();
        if (failure == Failure.CLOSE_AFTER_HEADERS) {
          connection.getOutputStream().write(HEADERS.getBytes(StandardCharsets.ISO_8859_1));
          connection.getOutputStream().flush();
        }
      } catch (IOException e) {
        // closed by the test, or the proxy gave up: either way, nothing to answer
      }
    }
  }
}
