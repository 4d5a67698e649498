package dev.racetrack.pub;

import dev.racetrack.model.SwaggerUiAssets;
import dev.racetrack.pub.async.AsyncEndpoint;
import dev.racetrack.pub.exchange.PubRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * PUB's request router (§5.2), shared by every connection: probes and metrics, Swagger UI assets,
 * the cache invalidation lifecycle sends, async calls under {@code /pub/async/}, and job calls
 * under {@code /pub/job/NAME/VERSION/...} (also {@code /job/...} and the legacy {@code
 * /fatman/...}), which a {@link JobCall} authorizes and proxies.
 */
final class Gateway {
  private static final String AUTH = "X-Racetrack-Auth";

  private final JobCalls jobCalls;
  private final PermitCache cache;
  private final byte[] internalToken;
  private final PubMetrics metrics;
  private final String version;
  private final JobHost jobHosts;
  private final TokenForm tokenForm;
  private final AsyncEndpoint async;
  private final long maxBody;
  private final SwaggerPages swagger = new SwaggerPages();

  /** What the router needs besides the job calls. */
  record Settings(
      String internalToken,
      String version,
      JobHost jobHosts,
      TokenForm tokenForm,
      AsyncEndpoint async,
      long maxBody) {}

  Gateway(JobCalls jobCalls, PermitCache cache, PubMetrics metrics, Settings settings) {
    this.jobCalls = jobCalls;
    this.cache = cache;
    this.metrics = metrics;
    this.internalToken = settings.internalToken().getBytes(StandardCharsets.UTF_8);
    this.version = settings.version();
    this.jobHosts = settings.jobHosts();
    this.tokenForm = settings.tokenForm();
    this.async = settings.async();
    this.maxBody = settings.maxBody();
  }

  /** The exchange serving {@code request} on {@code front}'s connection. */
  Exchange exchange(HttpRequest request, Front front) {
    String tracingId = front.tracingId();
    String uri = request.uri();
    Optional<String> host = Optional.ofNullable(request.headers().get(HttpHeaderNames.HOST));
    Optional<RouteMemo.Routed> known = front.client().memo().routed(uri, host);
    if (known.isPresent()) { // the connection's last call went to the same target
      return jobCalls.call(request, front, known.get().route(), known.get().rest());
    }
    int question = uri.indexOf('?');
    String path = question < 0 ? uri : uri.substring(0, question);
    String query = question < 0 ? null : uri.substring(question + 1);
    if (!path.startsWith("/")) {
      return Exchange.reply(
          front, Answers.error(400, "not an origin-form request target", tracingId));
    }
    if (path.startsWith("//")) {
      path = path.replaceFirst("^/+", "/");
    }
    Optional<String> hostJob = Optional.empty();
    switch (jobHosts.route(host, path)) {
      case JobHost.Refused refused -> {
        return Exchange.reply(front, Answers.error(refused.status(), refused.message(), tracingId));
      }
      case JobHost.Job onJobHost -> {
        path = onJobHost.path();
        hostJob = Optional.of(onJobHost.name());
      }
      case JobHost.Ordinary ordinary -> {}
    }
    String route = path.startsWith("/pub/") || path.equals("/pub") ? path.substring(4) : path;
    return switch (route) {
      case "/live" -> Exchange.reply(front, Answers.json(200, Map.of("live", true)));
      case "/ready" -> Exchange.reply(front, Answers.json(200, Map.of("ready", true)));
      case "/health" -> Exchange.reply(front, health());
      case "/metrics" ->
          Exchange.reply(
              front,
              Answers.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape()));
      case "/cache/invalidate" -> Exchange.reply(front, invalidate(request, tracingId));
      default -> routed(request, front, new JobCall.Route(route, path, query, hostJob), host);
    };
  }

  private Exchange routed(
      HttpRequest request, Front front, JobCall.Route routed, Optional<String> host) {
    String route = routed.route();
    String tracingId = front.tracingId();
    if (route.startsWith("/swagger-ui/")) {
      return Exchange.reply(front, asset(route.substring("/swagger-ui/".length()), tracingId));
    }
    if (route.startsWith("/async/")) {
      return new BodyExchange(
          front,
          request,
          maxBody,
          body ->
              jobCalls.answerLater(front, async.handle(pubRequest(request, front, routed, body))));
    }
    if (route.startsWith("/job/") || route.startsWith("/fatman/")) {
      String rest = route.substring(route.indexOf('/', 1) + 1);
      String[] parts = rest.split("/", 3);
      if (parts.length == 2 && JobCall.TOKEN_FORM.equals(parts[1])) {
        return tokenForm(request, front, parts[0], routed.hostJob().isPresent());
      }
      front.client().memo().remember(request.uri(), host, new RouteMemo.Routed(routed, rest));
      return jobCalls.call(request, front, routed, rest);
    }
    return Exchange.reply(front, Answers.error(404, "Not found: " + routed.path(), tracingId));
  }

  private Exchange tokenForm(HttpRequest request, Front front, String job, boolean onJobHost) {
    String tracingId = front.tracingId();
    if (!HttpMethod.POST.equals(request.method())) {
      return Exchange.reply(front, Answers.error(405, "use POST to store a token", tracingId));
    }
    if (!RequestPaths.safeId(job)) {
      return Exchange.reply(front, Answers.error(400, "not a job name: " + job, tracingId));
    }
    return new BodyExchange(
        front,
        request,
        TokenForm.MAX_BODY,
        body -> front.respond(tokenForm.store(request.headers(), body, job, onJobHost, tracingId)));
  }

  static PubRequest pubRequest(
      HttpRequest request, Front front, JobCall.Route routed, byte[] body) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    request.headers().forEach(headers::add);
    return new PubRequest(
        request.method().name(),
        routed.path(),
        routed.query() == null ? "" : routed.query(),
        headers,
        body,
        front.client().address(),
        front.client().scheme());
  }

  /** Lifecycle tells PUB that cached authorizations may be out of date. */
  private FullHttpResponse invalidate(HttpRequest request, String tracingId) {
    String presented = request.headers().get(AUTH);
    if (!HttpMethod.POST.equals(request.method())) {
      return Answers.error(405, "use POST", tracingId);
    }
    if (presented == null
        || !MessageDigest.isEqual(internalToken, presented.getBytes(StandardCharsets.UTF_8))) {
      return Answers.error(401, "only lifecycle may invalidate the cache", tracingId);
    }
    cache.clear();
    return Answers.json(200, Map.of("invalidated", true));
  }

  private FullHttpResponse health() {
    metrics.healthRequest();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", "pub");
    body.put("version", version);
    body.put("status", "pass");
    body.put("auth_required", true);
    return Answers.json(200, body);
  }

  private FullHttpResponse asset(String name, String tracingId) {
    Optional<SwaggerUiAssets.Asset> asset = swagger.asset(name);
    if (asset.isEmpty()) {
      return Answers.error(404, "Not found: " + name, tracingId);
    }
    FullHttpResponse response = Answers.bytes(200, asset.get().contentType(), asset.get().bytes());
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=86400");
    return response;
  }
}
