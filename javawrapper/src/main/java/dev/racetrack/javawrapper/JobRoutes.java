package dev.racetrack.javawrapper;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The routes of a job: probes, metrics, API description and the perform call. Every route is served
 * at the root and under {@code /pub/job/<name>/<any version>} (and the legacy {@code
 * /pub/fatman/...}). Errors become {@code {"error": ...}} responses here and nowhere else.
 */
final class JobRoutes {
  static final String PERFORM_ENDPOINT = "/perform";

  /** Where a WebSocket upgrade request goes. */
  sealed interface WebSocketRoute {
    /** Upgrade: the job's endpoint at {@code path}; messages up to the body limit. */
    record Accept(WebSocketHandler handler, String path, long maxMessageBytes)
        implements WebSocketRoute {}

    /** No upgrade: the answer. */
    record Refuse(Response response) implements WebSocketRoute {}
  }

  @FunctionalInterface
  interface Handler {
    Response handle(Request request) throws IOException;
  }

  private final JobConfig config;
  private final Supplier<JobState> state;
  private final JobMetrics metrics;
  private final JobCallGuard guard;
  private final PerformCall performCall;
  private final Map<String, Map<String, Handler>> routes = new LinkedHashMap<>();
  private volatile Optional<byte[]> openApi = Optional.empty();

  JobRoutes(JobConfig config, Supplier<JobState> state, JobMetrics metrics) {
    this.config = config;
    this.state = state;
    this.metrics = metrics;
    this.performCall = new PerformCall(config.maxBodyBytes(), metrics);
    this.guard = new JobCallGuard(config.callSecret());
    route("GET", "/", this::home);
    route("GET", "/live", r -> live());
    route("GET", "/ready", r -> ready());
    route("GET", "/health", r -> health());
    route("GET", "/metrics", r -> metrics());
    route("GET", "/openapi.json", r -> openApi());
    route("GET", "/api/v1/parameters", r -> parameters());
    route("POST", "/api/v1/perform", r -> performCall.call(readyState(), r));
  }

  private void route(String method, String path, Handler handler) {
    routes.computeIfAbsent(path, p -> new LinkedHashMap<>()).put(method, handler);
  }

  /** Answers one request; never throws except on I/O errors reading the request. */
  Response handle(Request request) throws IOException {
    try {
      Optional<Request> local = relativeToJob(request);
      Optional<Response> refused =
          guard.check(local.map(Request::path).orElse(request.path()), request.context());
      if (refused.isPresent()) {
        return refused.get();
      }
      Map<String, Handler> byMethod = local.map(r -> routes.get(r.path())).orElse(Map.of());
      if (byMethod.isEmpty()) {
        return Response.error(404, "not found: " + request.path());
      }
      String method = request.method().equals("HEAD") ? "GET" : request.method();
      Handler handler = byMethod.get(method);
      if (handler == null) {
        List<String> allowed = new ArrayList<>(byMethod.keySet());
        if (allowed.contains("GET")) {
          allowed.add("HEAD");
        }
        return Response.error(405, "method " + request.method() + " not allowed")
            .withHeader("Allow", String.join(", ", allowed));
      }
      return handler.handle(local.get());
    } catch (HttpStatusException e) {
      return Response.error(e.status(), e.getMessage());
    } catch (RuntimeException e) {
      JobLog.error("internal error of the job wrapper at " + request.path(), e);
      return Response.error(500, "internal error of the job wrapper: " + JobLog.describe(e));
    }
  }

  /**
   * Decides a WebSocket upgrade: it needs the job call secret like every call, a loaded job and an
   * endpoint the job declared at the path.
   */
  WebSocketRoute webSocket(Request request) {
    Optional<Request> local = relativeToJob(request);
    Optional<Response> refused =
        guard.check(local.map(Request::path).orElse(request.path()), request.context());
    if (refused.isPresent()) {
      return new WebSocketRoute.Refuse(refused.get());
    }
    if (local.isEmpty()) {
      return new WebSocketRoute.Refuse(Response.error(404, "not found: " + request.path()));
    }
    JobState.Ready ready;
    try {
      ready = readyState();
    } catch (HttpStatusException e) {
      return new WebSocketRoute.Refuse(Response.error(e.status(), e.getMessage()));
    }
    String path = local.get().path();
    WebSocketHandler handler = ready.entrypoint().webSocketEndpoints().get(path);
    if (handler == null) {
      return new WebSocketRoute.Refuse(
          Response.error(404, "no websocket endpoint at " + request.path()));
    }
    return new WebSocketRoute.Accept(handler, path, config.maxBodyBytes());
  }

  /** Strips {@code /pub/job/<name>/<version>}; empty when the prefix names another job. */
  private Optional<Request> relativeToJob(Request request) {
    String path = request.path();
    if (!path.startsWith("/pub/")) {
      return Optional.of(request);
    }
    String[] parts = path.split("/", 6); // "", "pub", "job", name, version, rest
    if (parts.length < 5
        || !(parts[2].equals("job") || parts[2].equals("fatman"))
        || !parts[3].equals(config.jobName())
        || parts[4].isEmpty()) {
      return Optional.empty();
    }
    String base = String.join("/", parts[0], parts[1], parts[2], parts[3], parts[4]);
    return Optional.of(request.relativeTo(base, parts.length == 6 ? "/" + parts[5] : "/"));
  }

  private JobState.Ready readyState() {
    return switch (state.get()) {
      case JobState.Ready ready -> ready;
      case JobState.Loading loading -> throw new HttpStatusException(503, "job is not ready yet");
      case JobState.Failed failed ->
          throw new HttpStatusException(500, "job failed to initialize: " + failed.error());
    };
  }

  private Response live() {
    Map<String, Object> body = new LinkedHashMap<>();
    if (state.get() instanceof JobState.Failed failed) {
      body.put("live", false);
      body.put("deployment_timestamp", config.deploymentTimestamp());
      body.put("error", failed.error());
      return Response.json(500, body);
    }
    body.put("live", true);
    body.put("deployment_timestamp", config.deploymentTimestamp());
    return Response.json(200, body);
  }

  private Response ready() {
    boolean ready = state.get() instanceof JobState.Ready;
    return Response.json(ready ? 200 : 500, Map.of("ready", ready));
  }

  private Response health() {
    JobState current = state.get();
    boolean live = !(current instanceof JobState.Failed);
    boolean ready = current instanceof JobState.Ready;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", "job");
    body.put("job_name", config.jobName());
    body.put("job_version", config.jobVersion());
    body.put("live", live);
    body.put("ready", ready);
    body.put("status", live && ready ? "pass" : "fail");
    body.put("error", current instanceof JobState.Failed failed ? failed.error() : null);
    body.put("git_version", config.build().gitVersion());
    body.put("deployed_by_racetrack_version", config.build().deployedByRacetrackVersion());
    body.put("deployment_timestamp", config.deploymentTimestamp());
    body.put("job_type_version", config.build().jobTypeVersion());
    return Response.json(live && ready ? 200 : 500, body);
  }

  private Response metrics() {
    List<CustomGauge> custom = List.of();
    if (state.get() instanceof JobState.Ready ready) {
      try {
        custom = ready.entrypoint().customMetrics().map(CustomGauge::parseAll).orElse(List.of());
      } catch (InvocationTargetException e) {
        JobLog.error("job metrics() failed", e.getCause());
      } catch (IllegalAccessException e) {
        JobLog.error("job metrics() is not accessible", e);
      }
    }
    return Response.text(200, Response.PROMETHEUS, metrics.render(custom));
  }

  private Response openApi() {
    JobState.Ready ready = readyState();
    byte[] json =
        openApi.orElseGet(() -> JobJson.write(OpenApiDocument.build(config, ready.entrypoint())));
    openApi = Optional.of(json);
    return Response.jsonBytes(200, json);
  }

  private Response parameters() {
    record ParameterInfo(String name, String type) {}
    List<ParameterInfo> parameters =
        readyState().entrypoint().parameters().stream()
            .map(p -> new ParameterInfo(p.name(), p.typeName()))
            .toList();
    return Response.json(200, parameters);
  }

  private Response home(Request request) {
    String name = html(config.jobName());
    String version = html(config.jobVersion());
    String base = html(request.base());
    String status =
        switch (state.get()) {
          case JobState.Loading loading -> "loading";
          case JobState.Ready ready -> "ready";
          case JobState.Failed failed -> "failed to initialize";
        };
    String page =
        """
        <!DOCTYPE html>
        <html><head><meta charset="utf-8"><title>%1$s %2$s</title></head>
        <body>
        <h1>Job %1$s</h1>
        <p>Version %2$s &mdash; %3$s.</p>
        <p>API description: <a href="%4$s/openapi.json">openapi.json</a></p>
        <p>Call it with <code>POST %4$s/api/v1/perform</code>.</p>
        </body></html>
        """
            .formatted(name, version, status, base);
    return Response.text(200, Response.HTML, page);
  }

  private static String html(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#x27;");
  }
}
