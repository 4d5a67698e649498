package dev.racetrack.pub.async;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A job behind PUB for async calls: records each request, and answers the n-th one as scripted:
 * {@link #DIE} (the process dies mid-call: the connection closes without an answer), 404, or the
 * normal answer (200 {@code {"sum": 3}} with header {@code X-Job: yes}), optionally held until
 * {@link #release()}.
 */
final class AsyncJobFixture implements AutoCloseable {
  static final String DIE = "die";
  static final String NOT_FOUND = "404";
  static final String ANSWER = "answer";

  /** A request as the job received it. */
  @SuppressWarnings("ArrayRecordComponent")
  record Received(String method, String uri, Headers headers, byte[] body) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final List<String> script;
  private final CountDownLatch release;

  /**
   * @param held whether answers wait for {@link #release()}
   * @param script how the first requests are answered; later ones get {@link #ANSWER}
   */
  AsyncJobFixture(boolean held, String... script) {
    this.script = List.of(script);
    this.release = new CountDownLatch(held ? 1 : 0);
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  String address() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  List<Received> received() {
    return received;
  }

  void release() {
    release.countDown();
  }

  private void handle(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    int index;
    synchronized (received) {
      received.add(
          new Received(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath()
                  + (exchange.getRequestURI().getRawQuery() == null
                      ? ""
                      : "?" + exchange.getRequestURI().getRawQuery()),
              exchange.getRequestHeaders(),
              body));
      index = received.size() - 1;
    }
    String step = index < script.size() ? script.get(index) : ANSWER;
    if (step.equals(DIE)) {
      // the job process dies mid-call: the connection ends without an answer
      throw new IOException("job died");
    }
    try {
      if (!release.await(30, TimeUnit.SECONDS)) {
        throw new IOException("never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    byte[] answer =
        (step.equals(NOT_FOUND) ? "{\"detail\":\"Not Found\"}" : "{\"sum\": 3}")
            .getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.getResponseHeaders().add("X-Job", "yes");
    exchange.sendResponseHeaders(step.equals(NOT_FOUND) ? 404 : 200, answer.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(answer);
    }
  }

  @Override
  public void close() {
    release();
    server.stop(0);
    executor.shutdownNow();
  }
}
