package dev.racetrack.pub;

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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for a job behind PUB: records what reaches it (method, raw path and query, headers,
 * body) and answers as told — at once, as a large stream, or slowly (a first part, then the rest
 * when the test releases it).
 */
final class FakeJobFixture implements AutoCloseable {
  /** A request as the job received it; {@code path} and {@code query} are raw (still encoded). */
  @SuppressWarnings("ArrayRecordComponent") // the body is only read, never compared as a record
  record Received(String method, String path, String query, Headers headers, byte[] body) {
    String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }

    Optional<String> header(String name) {
      return Optional.ofNullable(headers.getFirst(name));
    }
  }

  @FunctionalInterface
  private interface Answer {
    void write(HttpExchange exchange) throws IOException, InterruptedException;
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile Answer answer;

  private FakeJobFixture() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    answerWith(200, Map.of("Content-Type", "application/json"), "{\"sum\":42}");
  }

  static FakeJobFixture start() {
    return new FakeJobFixture();
  }

  /** host:port, as lifecycle reports it in {@code internal_name}. */
  String internalName() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  void answerWith(int status, Map<String, String> headers, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    answer =
        exchange -> {
          headers.forEach(exchange.getResponseHeaders()::set);
          exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        };
  }

  /** Answers with {@code size} bytes of {@link #patternByte} in 64 KiB chunks, length unknown. */
  void answerWithStream(int size) {
    answer =
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            byte[] chunk = new byte[64 * 1024];
            for (int sent = 0; sent < size; sent += chunk.length) {
              int length = Math.min(chunk.length, size - sent);
              for (int i = 0; i < length; i++) {
                chunk[i] = patternByte(sent + i);
              }
              out.write(chunk, 0, length);
            }
          }
        };
  }

  /** Sends {@code first} at once, then waits for {@link #release()} before sending {@code rest}. */
  void answerSlowly(String first, String rest) {
    answer =
        exchange -> {
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(first.getBytes(StandardCharsets.UTF_8));
            out.flush();
            if (!release.await(20, TimeUnit.SECONDS)) {
              throw new IOException("the test never released the slow answer");
            }
            out.write(rest.getBytes(StandardCharsets.UTF_8));
          }
        };
  }

  /** Answers {@code body} only after {@link #release()}: not even the head comes before. */
  void answerAfterRelease(String body) {
    answer =
        exchange -> {
          try {
            if (!release.await(20, TimeUnit.SECONDS)) {
              throw new IOException("the test never released the answer");
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
          }
        };
  }

  void release() {
    release.countDown();
  }

  static byte patternByte(int index) {
    return (byte) (index % 251);
  }

  List<Received> received() {
    return List.copyOf(received);
  }

  Received onlyRequest() {
    if (received.size() != 1) {
      throw new AssertionError("expected one request at the job, got " + received.size());
    }
    return received.get(0);
  }

  /** Stops the job: from now on connections are refused. */
  void stop() {
    server.stop(0);
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      received.add(
          new Received(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getRawPath(),
              exchange.getRequestURI().getRawQuery(),
              exchange.getRequestHeaders(),
              body));
      answer.write(exchange);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
