package dev.racetrack.pub;

import dev.racetrack.model.Json;
import dev.racetrack.model.SwaggerUiAssets;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.FormFields;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * PUB's request router (§5.2): probes and metrics, Swagger UI assets, and job calls under {@code
 * /pub/job/NAME/VERSION/...} (also {@code /job/...} and the legacy {@code /fatman/...}), which are
 * authorized and then streamed to the job by the {@link JobProxy}.
 */
final class GatewayHandler extends Handler.Abstract {
  static final String TRACING_HEADER = "X-Request-Tracing-Id";
  static final String CALLER_HEADER = "X-Caller-Name";
  static final String TRACING_ATTRIBUTE = "racetrack.tracingId";
  private static final String AUTH = "X-Racetrack-Auth";

  /** Where a caller's token may be, in this order (current and legacy names). */
  static final List<String> TOKEN_HEADERS =
      List.of(AUTH, "X-Racetrack-Esc-Auth", "X-Racetrack-User-Auth");

  /** {@code POST /pub/job/NAME/_token} stores a token for the job (the token page's form). */
  static final String TOKEN_FORM = "_token";

  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private final CallAuthorizer authorizer;
  private final PermitCache cache;
  private final byte[] internalToken;
  private final JobProxy proxy;
  private final SwaggerPages swagger;
  private final PubMetrics metrics;
  private final String version;
  private final JobHost jobHosts;
  private final Optional<URI> externalUrl;

  GatewayHandler(
      CallAuthorizer authorizer,
      PermitCache cache,
      String internalToken,
      JobProxy proxy,
      SwaggerPages swagger,
      PubMetrics metrics,
      String version,
      JobHost jobHosts,
      Optional<URI> externalUrl) {
    this.authorizer = authorizer;
    this.cache = cache;
    this.internalToken = internalToken.getBytes(StandardCharsets.UTF_8);
    this.proxy = proxy;
    this.swagger = swagger;
    this.metrics = metrics;
    this.version = version;
    this.jobHosts = jobHosts;
    this.externalUrl = externalUrl;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    String incoming = request.getHeaders().get(TRACING_HEADER);
    String tracingId =
        incoming != null && SAFE_ID.matcher(incoming).matches() ? incoming : newTracingId();
    request.setAttribute(TRACING_ATTRIBUTE, tracingId);
    response.getHeaders().put(TRACING_HEADER, tracingId);
    String path = request.getHttpURI().getPath();
    if (path.startsWith("//")) {
      path = path.replaceFirst("^/+", "/");
    }
    Optional<String> hostJob = Optional.empty();
    switch (jobHosts.route(Optional.ofNullable(request.getHeaders().get(HttpHeader.HOST)), path)) {
      case JobHost.Refused refused -> {
        error(response, callback, refused.status(), refused.message(), tracingId);
        return true;
      }
      case JobHost.Job onJobHost -> {
        path = onJobHost.path();
        hostJob = Optional.of(onJobHost.name());
      }
      case JobHost.Ordinary ordinary -> {}
    }
    String route = path.startsWith("/pub/") || path.equals("/pub") ? path.substring(4) : path;
    switch (route) {
      case "/live" -> json(response, callback, 200, Map.of("live", true));
      case "/ready" -> json(response, callback, 200, Map.of("ready", true));
      case "/health" -> health(response, callback);
      case "/metrics" ->
          text(
              response,
              callback,
              200,
              "text/plain; version=0.0.4; charset=utf-8",
              metrics.scrape());
      case "/cache/invalidate" -> invalidate(request, response, callback, tracingId);
      default -> {
        if (route.startsWith("/swagger-ui/")) {
          asset(route.substring("/swagger-ui/".length()), response, callback, tracingId);
        } else if (route.startsWith("/job/") || route.startsWith("/fatman/")) {
          jobCall(
              request,
              response,
              callback,
              new JobRoute(route.substring(route.indexOf('/', 1) + 1), path, hostJob),
              tracingId);
        } else {
          error(response, callback, 404, "Not found: " + path, tracingId);
        }
      }
    }
    return true;
  }

  /**
   * A random (version 4) UUID for a call without one. Tracing ids must be unique, not secret, so a
   * fast non-cryptographic generator does.
   */
  static String newTracingId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /** Lifecycle tells PUB that cached authorizations may be out of date. */
  private void invalidate(Request request, Response response, Callback callback, String tracingId) {
    String presented = request.getHeaders().get(AUTH);
    if (!"POST".equals(request.getMethod())) {
      error(response, callback, 405, "use POST", tracingId);
    } else if (presented == null
        || !MessageDigest.isEqual(internalToken, presented.getBytes(StandardCharsets.UTF_8))) {
      error(response, callback, 401, "only lifecycle may invalidate the cache", tracingId);
    } else {
      cache.clear();
      json(response, callback, 200, Map.of("invalidated", true));
    }
  }

  private void health(Response response, Callback callback) {
    metrics.healthRequest();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", "pub");
    body.put("version", version);
    body.put("status", "pass");
    body.put("auth_required", true);
    json(response, callback, 200, body);
  }

  /**
   * A job call: {@code rest} is {@code NAME/VERSION[/path...]}, {@code path} the whole path in
   * PUB's form, {@code hostJob} the job whose own host the call came to.
   */
  private record JobRoute(String rest, String path, Optional<String> hostJob) {}

  private void jobCall(
      Request request, Response response, Callback callback, JobRoute routed, String tracingId) {
    String rest = routed.rest();
    String[] parts = rest.split("/", 3);
    if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      error(
          response,
          callback,
          404,
          "Proxy request error: a job path must be /pub/job/NAME/VERSION/...",
          tracingId);
      return;
    }
    if (hasDotSegment(rest)) {
      // Lifecycle and the job would resolve "..", each in its own way, to another endpoint than
      // the one authorized here; such paths are refused rather than guessed at.
      error(
          response,
          callback,
          400,
          "Proxy request error: a job path must not contain . or .. segments",
          tracingId);
      return;
    }
    String job = parts[0];
    if (parts.length == 2 && TOKEN_FORM.equals(parts[1])) {
      storeToken(request, response, callback, job, routed.hostJob().isPresent(), tracingId);
      return;
    }
    String jobVersion = parts[1];
    String jobPath = parts.length == 3 ? "/" + parts[2] : "";
    String query = request.getHttpURI().getQuery();
    if (jobPath.isEmpty() && "GET".equals(request.getMethod())) {
      redirect(
          response,
          callback,
          request.getHttpURI().getPath() + "/" + (query == null ? "" : "?" + query));
      return;
    }
    boolean docsPage =
        "/".equals(jobPath) && "GET".equals(request.getMethod()) && acceptsHtml(request);
    Optional<String> token = token(request, job);
    Decision decision = authorizer.authorize(job, jobVersion, jobPath, token, tracingId);
    if (!decision.allowed()) {
      if (docsPage && decision.status() == 401) {
        text(
            response,
            callback,
            401,
            "text/html; charset=utf-8",
            SwaggerPages.tokenPage(job, routed.path(), decision.message()));
      } else {
        error(response, callback, decision.status(), decision.message(), tracingId);
      }
      return;
    }
    CallPermit permit = decision.permit().orElseThrow();
    if (docsPage) {
      text(
          response,
          callback,
          200,
          "text/html; charset=utf-8",
          SwaggerPages.docsPage(permit.jobName(), permit.jobVersion()));
      return;
    }
    forward(
        request,
        response,
        callback,
        permit,
        jobPath,
        query,
        routed.hostJob().isPresent(),
        tracingId);
  }

  private void forward(
      Request request,
      Response response,
      Callback callback,
      CallPermit permit,
      String jobPath,
      String query,
      boolean onJobHost,
      String tracingId) {
    if (permit.internalName().isEmpty()) {
      error(
          response,
          callback,
          502,
          "Reverse proxy error: job "
              + permit.jobName()
              + " v"
              + permit.jobVersion()
              + " has no address yet (status "
              + permit.jobStatus()
              + ")",
          tracingId);
      return;
    }
    String target =
        "/pub/job/"
            + permit.jobName()
            + "/"
            + permit.jobVersion()
            + jobPath
            + (query == null ? "" : "?" + query);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(TRACING_HEADER, tracingId);
    permit.caller().ifPresent(c -> headers.put(CALLER_HEADER, c));
    PubMetrics.JobMeters meters = metrics.job(permit.jobName(), permit.jobVersion());
    meters.started();
    long started = System.nanoTime();
    Callback timed =
        Callback.from(
            () -> {
              meters.done(response.getStatus(), System.nanoTime() - started);
              callback.succeeded();
            },
            failure -> {
              meters.done(response.getStatus(), System.nanoTime() - started);
              callback.failed(failure);
            });
    proxy.forward(
        request, response, timed, new JobProxy.Call(permit, target, headers, tracingId, onJobHost));
  }

  private void asset(String name, Response response, Callback callback, String tracingId) {
    Optional<SwaggerUiAssets.Asset> asset = swagger.asset(name);
    if (asset.isEmpty()) {
      error(response, callback, 404, "Not found: " + name, tracingId);
      return;
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, asset.get().contentType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "public, max-age=86400");
    response.write(true, ByteBuffer.wrap(asset.get().bytes()), callback);
  }

  /**
   * The caller's token: the auth headers (current and legacy names), then the auth cookie of this
   * job (see {@link AuthCookies}); another job's cookie, or the former site-wide one, is not a
   * token for this job.
   */
  static Optional<String> token(Request request, String job) {
    for (String header : TOKEN_HEADERS) {
      String value = request.getHeaders().get(header);
      if (value != null && !value.isBlank()) {
        return Optional.of(value.strip());
      }
    }
    String cookieName = AuthCookies.name(job);
    for (HttpCookie cookie : Request.getCookies(request)) {
      if (cookieName.equals(cookie.getName()) && !cookie.getValue().isBlank()) {
        return Optional.of(AuthCookies.decoded(cookie.getValue()).strip());
      }
    }
    return Optional.empty();
  }

  /**
   * The token page's form: answers with the job's auth cookie set by the server ({@code HttpOnly},
   * for the job's path only) and sends the browser back to the page it came from.
   */
  private void storeToken(
      Request request,
      Response response,
      Callback callback,
      String job,
      boolean onJobHost,
      String tracingId) {
    if (!"POST".equals(request.getMethod())) {
      error(response, callback, 405, "use POST to store a token", tracingId);
      return;
    }
    if (!SAFE_ID.matcher(job).matches()) {
      error(response, callback, 400, "not a job name: " + job, tracingId);
      return;
    }
    if (!sameOrigin(request, externalUrl, onJobHost)) {
      // another site (or a sandboxed page) must not plant its token in this browser
      error(response, callback, 403, "a token can only be stored from PUB's own page", tracingId);
      return;
    }
    Fields form;
    try {
      form = FormFields.getFields(request);
    } catch (RuntimeException e) {
      error(response, callback, 400, "the token form could not be read", tracingId);
      return;
    }
    String token = Optional.ofNullable(form.getValue("token")).orElse("").strip();
    boolean secure =
        externalUrl.map(url -> "https".equals(url.getScheme())).orElse(false)
            || request.isSecure()
            || "https".equalsIgnoreCase(request.getHeaders().get("X-Forwarded-Proto"));
    // on the job's own host the cookie is the host's (no Domain), for every path
    String cookiePath = onJobHost ? "/" : JobAnswerHeaders.cookiePath(job);
    response
        .getHeaders()
        .add(
            HttpHeader.SET_COOKIE,
            token.isEmpty()
                ? AuthCookies.clearCookie(job, cookiePath, secure)
                : AuthCookies.setCookie(job, token, cookiePath, secure));
    response.setStatus(303);
    response.getHeaders().put(HttpHeader.LOCATION, backTo(job, form.getValue("back")));
    response.write(true, ByteBuffer.allocate(0), callback);
  }

  /**
   * Whether a browser's form post comes from PUB's own pages: its {@code Origin}, when it sends
   * one, is PUB's external origin ({@code EXTERNAL_PUB_URL}) or, on a job's own host or when that
   * is not set, names the host the request was sent to (with the external URL's scheme, if set). A
   * sandboxed page sends {@code null}, which is no origin of PUB's.
   */
  static boolean sameOrigin(Request request, Optional<URI> externalUrl, boolean onJobHost) {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin == null) {
      return !"cross-site".equals(request.getHeaders().get("Sec-Fetch-Site"));
    }
    if (externalUrl.isPresent() && !onJobHost) {
      return origin.equalsIgnoreCase(origin(externalUrl.get()));
    }
    String host = request.getHeaders().get(HttpHeader.HOST);
    int scheme = origin.indexOf("://");
    return host != null
        && scheme > 0
        && origin.substring(scheme + 3).equalsIgnoreCase(host)
        && externalUrl.map(url -> origin.substring(0, scheme).equals(url.getScheme())).orElse(true);
  }

  /** The origin of a URL as a browser writes it ({@code scheme://host[:port]}). */
  static String origin(URI url) {
    int port = url.getPort();
    boolean defaultPort =
        port < 0
            || ("https".equals(url.getScheme()) && port == 443)
            || ("http".equals(url.getScheme()) && port == 80);
    return url.getScheme() + "://" + url.getHost() + (defaultPort ? "" : ":" + port);
  }

  /** Where the token form sends the browser: the page it came from, if it is of this job. */
  static String backTo(String job, String back) {
    String own = JobAnswerHeaders.cookiePath(job);
    if (back == null
        || !back.startsWith(own)
        || back.contains("//")
        || back.contains("\\")
        || hasDotSegment(back)
        || back.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      return own + "latest/";
    }
    return back;
  }

  static boolean hasDotSegment(String path) {
    int start = 0;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      int length = end - start;
      if ((length == 1 || length == 2)
          && path.charAt(start) == '.'
          && (length == 1 || path.charAt(start + 1) == '.')) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  private static boolean acceptsHtml(Request request) {
    String accept = request.getHeaders().get(HttpHeader.ACCEPT);
    return accept != null && accept.contains("text/html");
  }

  private static void redirect(Response response, Callback callback, String location) {
    response.setStatus(302);
    response.getHeaders().put(HttpHeader.LOCATION, location);
    response.write(true, ByteBuffer.allocate(0), callback);
  }

  private static void error(
      Response response, Callback callback, int status, String message, String tracingId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("requestId", tracingId);
    json(response, callback, status, body);
  }

  private static void json(Response response, Callback callback, int status, Object body) {
    text(response, callback, status, "application/json", Json.write(body));
  }

  private static void text(
      Response response, Callback callback, int status, String type, String body) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
    response.write(true, ByteBuffer.wrap(SwaggerPages.utf8(body)), callback);
  }
}
