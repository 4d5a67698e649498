package dev.racetrack.pub;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A stand-in for lifecycle's {@code GET /lifecycle/api/v1/auth/can-call-job/NAME/VERSION/PATH}:
 * records every question and answers as the test says (by default: refuses everything with 401).
 */
final class FakeLifecycleFixture implements AutoCloseable {
  static final String RESOLVED_VERSION = "1.2.3";
  private static final String PREFIX = "/lifecycle/api/v1/auth/can-call-job/";

  /** One question PUB asked; {@code path} is the raw (still encoded) endpoint path. */
  record Call(
      String job,
      String version,
      String path,
      Optional<String> token,
      Optional<String> tracingId) {}

  /** An answer. */
  record Reply(int status, String body) {}

  private final HttpServer server;
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Call> calls = new CopyOnWriteArrayList<>();
  private final List<Optional<String>> internalTokens = new CopyOnWriteArrayList<>();
  private volatile Function<Call, Reply> replies = call -> refusal(401, "no token given");

  private FakeLifecycleFixture() {
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  static FakeLifecycleFixture start() {
    return new FakeLifecycleFixture();
  }

  /** Grants every call; {@code latest} resolves to {@link #RESOLVED_VERSION}. */
  void permitAll(String internalName, Optional<String> caller) {
    replies =
        call ->
            permit(
                call.job(),
                call.version().equals("latest") ? RESOLVED_VERSION : call.version(),
                internalName,
                caller);
  }

  /**
   * Grants every call with the job's call limits ({@code call_timeout}, {@code max_concurrency}).
   */
  void permitAllWith(String internalName, Map<String, Object> limits) {
    replies =
        call -> {
          Map<String, Object> jobDto = new LinkedHashMap<>();
          jobDto.put("name", call.job());
          jobDto.put(
              "version", call.version().equals("latest") ? RESOLVED_VERSION : call.version());
          jobDto.put("internal_name", internalName);
          jobDto.put("status", "running");
          jobDto.putAll(limits);
          return new Reply(200, Json.write(Map.of("job", jobDto)));
        };
  }

  void replyWith(Function<Call, Reply> newReplies) {
    replies = newReplies;
  }

  void replyWith(int status, String body) {
    replies = call -> new Reply(status, body);
  }

  void refuse(int status, String error) {
    replies = call -> refusal(status, error);
  }

  static Reply permit(String job, String version, String internalName, Optional<String> caller) {
    Map<String, Object> jobDto = new LinkedHashMap<>();
    jobDto.put("name", job);
    jobDto.put("version", version);
    jobDto.put("internal_name", internalName);
    jobDto.put("status", "running");
    jobDto.put("id", "4f0c");
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("job", jobDto);
    body.put("caller", caller.orElse(null));
    body.put("remote_gateway_url", null);
    return new Reply(200, Json.write(body));
  }

  static Reply refusal(int status, String error) {
    return new Reply(status, Json.write(Map.of("error", error, "type", "SomeError")));
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/lifecycle";
  }

  List<Call> calls() {
    return List.copyOf(calls);
  }

  int callCount() {
    return calls.size();
  }

  Call lastCall() {
    if (calls.isEmpty()) {
      throw new AssertionError("lifecycle was never asked");
    }
    return calls.get(calls.size() - 1);
  }

  /** The internal token (X-Racetrack-Internal-Token) the last question carried. */
  Optional<String> lastInternalToken() {
    if (internalTokens.isEmpty()) {
      throw new AssertionError("lifecycle was never asked");
    }
    return internalTokens.get(internalTokens.size() - 1);
  }

  /** Stops answering: from now on connections are refused. */
  void stop() {
    server.stop(0);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String rawPath = exchange.getRequestURI().getRawPath();
      Reply reply;
      if (!"GET".equals(exchange.getRequestMethod()) || !rawPath.startsWith(PREFIX)) {
        reply = refusal(404, "fake lifecycle knows only can-call-job, not " + rawPath);
      } else {
        String[] parts = rawPath.substring(PREFIX.length()).split("/", 3);
        Call call =
            new Call(
                parts[0],
                parts.length > 1 ? parts[1] : "",
                parts.length > 2 ? "/" + parts[2] : "",
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Racetrack-Auth")),
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-Request-Tracing-Id")));
        internalTokens.add(
            Optional.ofNullable(
                exchange.getRequestHeaders().getFirst("X-Racetrack-Internal-Token")));
        calls.add(call);
        reply = replies.apply(call);
      }
      byte[] bytes = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(reply.status(), bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
