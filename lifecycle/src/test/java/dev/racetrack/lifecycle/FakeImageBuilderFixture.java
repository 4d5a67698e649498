package dev.racetrack.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A stand-in image builder on a free port: records every build request it gets and answers with a
 * successful build of an artifact that does not exist (so starting the job fails afterwards), or
 * with a failed build after {@link #failNextBuild()}.
 */
final class FakeImageBuilderFixture implements AutoCloseable {
  private final HttpServer server;
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  private final AtomicBoolean failNext = new AtomicBoolean();

  FakeImageBuilderFixture() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/api/v1/build/sse", this::build);
    server.start();
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The build requests received so far, oldest first. */
  List<JsonNode> requests() {
    return List.copyOf(requests);
  }

  void failNextBuild() {
    failNext.set(true);
  }

  private void build(HttpExchange exchange) throws IOException {
    try (exchange) {
      requests.add(Json.mapper().readTree(exchange.getRequestBody()));
      Map<String, Object> result =
          failNext.getAndSet(false)
              ? Map.of("logs", "", "error", "fake build failure", "warnings", List.of())
              : Map.of(
                  "image_name", "/nonexistent/fake-artifact", "logs", "", "warnings", List.of());
      byte[] body =
          ("event: result\ndata: " + Json.mapper().writeValueAsString(result) + "\n\n")
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
