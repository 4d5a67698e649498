package dev.racetrack.pub;

import dev.racetrack.model.auth.JobCallSecrets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Recognises the common job call the event-loop front can forward itself: an ordinary HTTP/1.1
 * request to {@code /pub/job/NAME/VERSION/PATH} with a token in a header and a body of known, small
 * length, whose permit is fresh in the cache. Everything else (no permit yet, cookies, docs pages,
 * unusual paths or framing) goes to the full gateway, which decides exactly as before; what is
 * forwarded here is what the gateway would have forwarded.
 */
final class FastPath {
  /** Largest request body forwarded from here (larger ones stream through the gateway). */
  static final int MAX_BODY = 64 * 1024;

  private static final Set<String> METHODS =
      Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD");
  private static final Pattern SAFE_PATH =
      Pattern.compile("/pub/job/[A-Za-z0-9._~!$&'()*+,;=:@/-]+");
  private static final Pattern SAFE_QUERY = Pattern.compile("[A-Za-z0-9._~!$&'()*+,;=:@/?%-]*");
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final List<String> TOKEN_HEADERS =
      GatewayHandler.TOKEN_HEADERS.stream().map(name -> name.toLowerCase(Locale.ROOT)).toList();

  /** Request headers the job never receives from here: hop-by-hop, credentials, replaced ones. */
  private static final Set<String> DROPPED =
      HttpHead.hopByHopAnd(
          "proxy-authorization",
          "host",
          "content-length",
          "x-forwarded-host",
          "x-forwarded-proto",
          "x-forwarded-for",
          "x-request-tracing-id",
          "x-caller-name",
          "x-racetrack-auth",
          "x-racetrack-esc-auth",
          "x-racetrack-user-auth",
          "x-racetrack-job-secret",
          FrontServer.CLIENT_HEADER);

  private final PermitCache cache;
  private final JobCallSecrets secrets;
  private final JobAnswerHeaders answerHeaders;
  private final JobHost jobHosts;

  FastPath(
      PermitCache cache, JobCallSecrets secrets, JobAnswerHeaders answerHeaders, JobHost jobHosts) {
    this.jobHosts = jobHosts;
    this.cache = cache;
    this.secrets = secrets;
    this.answerHeaders = answerHeaders;
  }

  /** What PUB changes in job answers (the front applies it as the gateway does). */
  JobAnswerHeaders answerHeaders() {
    return answerHeaders;
  }

  /** A call to forward: the permit, the request head for the job, the tracing id. */
  record Call(
      CallPermit permit, byte[] head, String tracingId, boolean headRequest, boolean onJobHost) {}

  /**
   * The call, or empty when the request must go to the gateway.
   *
   * @param bodyLength the request body's length (already known to be at most {@link #MAX_BODY})
   */
  Optional<Call> decide(HttpHead request, long bodyLength, String clientAddress) {
    if (!"HTTP/1.1".equals(request.third()) || !METHODS.contains(request.first())) {
      return Optional.empty();
    }
    String target = request.second();
    int question = target.indexOf('?');
    String path = question < 0 ? target : target.substring(0, question);
    String query = question < 0 ? null : target.substring(question + 1);
    String host = request.single("host");
    if (host == null || host.isEmpty()) {
      return Optional.empty();
    }
    boolean onJobHost = false;
    switch (jobHosts.route(Optional.of(host), path)) {
      case JobHost.Refused refused -> {
        return Optional.empty(); // the gateway refuses it
      }
      case JobHost.Job jobRoute -> {
        path = jobRoute.path();
        onJobHost = true;
      }
      case JobHost.Ordinary ordinary -> {}
    }
    if (!SAFE_PATH.matcher(path).matches()
        || (query != null && !SAFE_QUERY.matcher(query).matches())
        || path.contains("//")) {
      return Optional.empty();
    }
    String rest = path.substring("/pub/job/".length());
    int slash1 = rest.indexOf('/');
    int slash2 = slash1 < 0 ? -1 : rest.indexOf('/', slash1 + 1);
    if (slash1 <= 0 || slash2 <= slash1 + 1 || GatewayHandler.hasDotSegment(rest)) {
      return Optional.empty(); // no job path (a redirect), or . and .. segments: the gateway says
    }
    String jobPath = rest.substring(slash2);
    if (jobPath.equals("/") && request.first().equals("GET")) {
      return Optional.empty(); // maybe the docs page
    }
    if (request.has("expect")
        || request.has("upgrade")
        || request.has("transfer-encoding")
        || request.single("host") == null
        || request.single("host").isEmpty()) {
      return Optional.empty();
    }
    String token = null;
    for (String name : TOKEN_HEADERS) {
      String value = request.single(name);
      if (value != null && !value.isBlank()) {
        token = value.strip();
        break;
      }
    }
    if (token == null) {
      return Optional.empty(); // cookies and anonymous calls: the gateway decides
    }
    String job = rest.substring(0, slash1);
    String version = rest.substring(slash1 + 1, slash2);
    Optional<CallPermit> permit =
        cache.fresh(PermitCache.key(job, version, jobPath, Optional.of(token)));
    if (permit.isEmpty() || permit.get().internalName().isEmpty()) {
      return Optional.empty();
    }
    String incoming = request.single("x-request-tracing-id");
    String tracingId =
        incoming != null && SAFE_ID.matcher(incoming).matches()
            ? incoming
            : GatewayHandler.newTracingId();
    return Optional.of(
        new Call(
            permit.get(),
            head(
                request,
                permit.get(),
                new Target(jobPath, query, bodyLength),
                clientAddress,
                tracingId,
                secrets.secret(permit.get().jobName(), permit.get().jobVersion())),
            tracingId,
            request.first().equals("HEAD"),
            onJobHost));
  }

  /** Where in the job a call goes, and its body length. */
  private record Target(String jobPath, String query, long bodyLength) {}

  private static byte[] head(
      HttpHead request,
      CallPermit permit,
      Target target,
      String clientAddress,
      String tracingId,
      String secret) {
    StringBuilder head = new StringBuilder(1024);
    head.append(request.first())
        .append(" /pub/job/")
        .append(permit.jobName())
        .append('/')
        .append(permit.jobVersion())
        .append(target.jobPath());
    if (target.query() != null) {
      head.append('?').append(target.query());
    }
    head.append(" HTTP/1.1\r\nHost: ").append(permit.internalName()).append("\r\n");
    String forwardedFor = null;
    String host = null;
    for (HttpHead.Field field : request.fields()) {
      String name = field.name().toLowerCase(Locale.ROOT);
      if (name.equals("host")) {
        host = field.value();
      }
      if (name.equals("x-forwarded-for")) {
        forwardedFor = forwardedFor == null ? field.value() : forwardedFor + ", " + field.value();
      }
      if (DROPPED.contains(name)) {
        continue;
      }
      if (name.equals("cookie")) {
        String cookies = ForwardedRequest.withoutAuthCookie(field.value());
        if (!cookies.isEmpty()) {
          field(head, field.name(), cookies);
        }
        continue;
      }
      field(head, field.name(), field.value());
    }
    field(
        head,
        "X-Forwarded-For",
        forwardedFor == null ? clientAddress : forwardedFor + ", " + clientAddress);
    field(head, "X-Forwarded-Host", host);
    field(head, "X-Forwarded-Proto", "http");
    field(head, GatewayHandler.TRACING_HEADER, tracingId);
    permit.caller().ifPresent(caller -> field(head, GatewayHandler.CALLER_HEADER, caller));
    field(head, JobCallSecrets.HEADER, secret);
    field(head, "Content-Length", Long.toString(target.bodyLength()));
    head.append("\r\n");
    return JobProxy.latin1(head);
  }

  private static void field(StringBuilder head, String name, String value) {
    head.append(name).append(": ");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      head.append(c == '\r' || c == '\n' ? ' ' : c);
    }
    head.append("\r\n");
  }
}
