package dev.racetrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A stand-in for the lifecycle API (and a job behind PUB) on a loopback port: records every request
 * and answers each route with a scripted sequence of responses (the last one repeats), or with a
 * {@link Stream} the test writes piece by piece. Unscripted routes get 404 with a lifecycle-style
 * error body.
 */
final class FakeLifecycleFixture implements AutoCloseable {
  static final String LIFECYCLE = "/lifecycle";

  /** One request as the server saw it. */
  record Recorded(
      String method, String path, @Nullable String query, Headers headers, String body) {
    @Nullable String header(String name) {
      return headers.getFirst(name);
    }

    JsonNode json() {
      try {
        return Json.mapper().readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException("request body is not JSON: " + body, e);
      }
    }
  }

  /** A scripted answer. */
  record Response(int status, String contentType, String body) {
    static Response json(int status, Object body) {
      return new Response(
          status, "application/json", body instanceof String s ? s : Json.write(body));
    }

    static Response json(Object body) {
      return json(200, body);
    }

    static Response error(int status, String message) {
      return json(status, Map.of("error", message, "type", "ValidationException"));
    }

    static Response text(int status, String body) {
      return new Response(status, "text/plain; charset=utf-8", body);
    }
  }

  /**
   * A 200 response of unknown length the test writes while the client reads it: each {@link #send}
   * is flushed at once, {@link #end} closes it. It also ends after 30 s without a chunk, so a
   * failing test cannot hang.
   */
  static final class Stream {
    private static final String END = "\u0000end";
    private final String contentType;
    private final BlockingQueue<String> chunks = new LinkedBlockingQueue<>();

    Stream(String contentType) {
      this.contentType = contentType;
    }

    void send(String text) {
      chunks.add(text);
    }

    void end() {
      chunks.add(END);
    }

    private void writeTo(HttpExchange exchange) throws IOException {
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(200, 0);
      try (OutputStream out = exchange.getResponseBody()) {
        while (true) {
          String chunk = chunks.poll(30, TimeUnit.SECONDS);
          if (chunk == null || chunk.equals(END)) {
            return;
          }
          out.write(chunk.getBytes(StandardCharsets.UTF_8));
          out.flush();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private final Map<String, List<Response>> routes = new ConcurrentHashMap<>();
  private final Map<String, Stream> streams = new ConcurrentHashMap<>();

  FakeLifecycleFixture() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  /** Scripts {@code method path} (the full path, e.g. {@code /pub/job/adder/1.0.0/x}). */
  FakeLifecycleFixture on(String method, String path, Response... responses) {
    routes.put(method + " " + path, new CopyOnWriteArrayList<>(List.of(responses)));
    return this;
  }

  /** Answers a lifecycle API route with a stream the test writes; every request shares it. */
  Stream onApiStream(String method, String apiPath, String contentType) {
    Stream stream = new Stream(contentType);
    streams.put(method + " " + LIFECYCLE + apiPath, stream);
    return stream;
  }

  /** Scripts a lifecycle API route, {@code apiPath} relative to {@link #url()}. */
  FakeLifecycleFixture onApi(String method, String apiPath, Response... responses) {
    return on(method, LIFECYCLE + apiPath, responses);
  }

  /** The lifecycle URL, as the client resolves it: {@code http://127.0.0.1:PORT/lifecycle}. */
  String url() {
    return base() + LIFECYCLE;
  }

  /** Scheme, host and port only. */
  String base() {
    return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
  }

  List<Recorded> requests() {
    return List.copyOf(requests);
  }

  List<Recorded> requests(String method, String path) {
    return requests.stream()
        .filter(r -> r.method().equals(method) && r.path().equals(path))
        .toList();
  }

  List<Recorded> apiRequests(String method, String apiPath) {
    return requests(method, LIFECYCLE + apiPath);
  }

  /** The single request to a lifecycle route; fails if there were none or several. */
  Recorded onlyApiRequest(String method, String apiPath) {
    List<Recorded> matching = apiRequests(method, apiPath);
    if (matching.size() != 1) {
      throw new AssertionError(
          "expected one " + method + " " + apiPath + ", got " + matching + " among " + requests);
    }
    return matching.getFirst();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getRawPath();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(
          new Recorded(
              method,
              path,
              exchange.getRequestURI().getRawQuery(),
              exchange.getRequestHeaders(),
              body));
      Stream stream = streams.get(method + " " + path);
      if (stream != null) {
        stream.writeTo(exchange);
        return;
      }
      Response response =
          next(method + " " + path)
              .orElseGet(() -> Response.error(404, "no route for " + method + " " + path));
      byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.sendResponseHeaders(response.status(), bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  private Optional<Response> next(String route) {
    List<Response> script = routes.get(route);
    if (script == null || script.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(script.size() > 1 ? script.removeFirst() : script.getFirst());
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  /** A job as {@code GET /api/v1/job...} shows it (snake_case wire format). */
  static Map<String, Object> job(String name, String version, String status, String pubUrl) {
    Map<String, Object> job = new LinkedHashMap<>();
    job.put("id", name + "-" + version);
    job.put("name", name);
    job.put("version", version);
    job.put("status", status);
    job.put("create_time", 1_700_000_000L);
    job.put("update_time", 1_700_000_600L);
    job.put("pub_url", pubUrl);
    job.put("deployed_by", "alice");
    job.put("infrastructure_target", "local");
    job.put("replica_internal_names", List.of());
    job.put("infrastructure_stats", Map.of());
    return job;
  }

  /** A deployment as {@code GET /api/v1/deploy/{id}} shows it. */
  static Map<String, Object> deployment(
      String id,
      String status,
      @Nullable String phase,
      @Nullable String error,
      @Nullable String warnings,
      @Nullable Map<String, Object> job) {
    Map<String, Object> d = new LinkedHashMap<>();
    d.put("id", id);
    d.put("status", status);
    d.put("create_time", 1_700_000_000L);
    d.put("update_time", 1_700_000_010L);
    d.put("error", error);
    d.put("job", job);
    d.put("deployed_by", "alice");
    d.put("phase", phase);
    d.put("job_name", "adder");
    d.put("job_version", "1.0.0");
    d.put("warnings", warnings);
    return d;
  }
}
