package dev.racetrack.pub;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import java.util.List;
import java.util.Optional;

/**
 * One call to a job: the path checked, the caller authorized (a cached permit on the event loop, or
 * lifecycle's answer, awaited without blocking), then the job's docs page or token page, or the
 * call proxied by a {@link ProxyCall}.
 */
final class JobCall implements Exchange {
  /** {@code POST /pub/job/NAME/_token} stores a token for the job (the token page's form). */
  static final String TOKEN_FORM = "_token";

  /** Where a caller's token may be, in this order (current and legacy names). */
  static final List<String> TOKEN_HEADERS =
      List.of("X-Racetrack-Auth", "X-Racetrack-Esc-Auth", "X-Racetrack-User-Auth");

  /**
   * A routed request: {@code route} the path without {@code /pub}, {@code path} the whole path in
   * PUB's form, {@code query} the raw query ({@code null} when there is none), {@code hostJob} the
   * job whose own host the call came to.
   */
  record Route(String route, String path, String query, Optional<String> hostJob) {}

  private final JobCalls calls;
  private final Front front;
  private final HttpRequest request;
  private final Route routed;
  private final String rest;
  private ProxyCall proxy;
  private boolean gone;

  JobCall(JobCalls calls, Front front, HttpRequest request, Route routed, String rest) {
    this.calls = calls;
    this.front = front;
    this.request = request;
    this.routed = routed;
    this.rest = rest;
  }

  @Override
  public void start() {
    Optional<RouteMemo.Target> target = front.client().memo().target(rest);
    if (target.isEmpty()) {
      target = checked();
      if (target.isEmpty()) {
        return; // refused
      }
      front.client().memo().remember(rest, target.get());
    }
    if (target.get().jobPath().isEmpty() && HttpMethod.GET.equals(request.method())) {
      front.respond(
          Answers.redirect(
              302, routed.path() + "/" + (routed.query() == null ? "" : "?" + routed.query())));
      return;
    }
    authorize(target.get());
  }

  /** The job path split and checked; empty when it is refused (the refusal is answered). */
  private Optional<RouteMemo.Target> checked() {
    String tracingId = front.tracingId();
    String[] parts = rest.split("/", 3);
    if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      front.respond(
          Answers.error(
              404, "Proxy request error: a job path must be /pub/job/NAME/VERSION/...", tracingId));
      return Optional.empty();
    }
    Optional<String> refused = RequestPaths.refusal(rest);
    if (refused.isPresent()) {
      front.respond(Answers.error(400, refused.get(), tracingId));
      return Optional.empty();
    }
    return Optional.of(
        new RouteMemo.Target(parts[0], parts[1], parts.length == 3 ? "/" + parts[2] : ""));
  }

  private void authorize(RouteMemo.Target target) {
    String job = target.job();
    String jobVersion = target.version();
    String jobPath = target.jobPath();
    Optional<String> token = token(request.headers(), job);
    String key = front.client().memo().key(target, front.client().tokenHash(token));
    Optional<CallPermit> cached = calls.authorizer().cached(key);
    if (cached.isPresent()) {
      calls.metrics().frontCall();
      decided(Decision.allow(cached.get()), jobPath);
      return;
    }
    calls
        .authorizer()
        .ask(key, job, jobVersion, jobPath, token, front.tracingId())
        .whenComplete(
            (decision, failure) ->
                front
                    .context()
                    .executor()
                    .execute(
                        () ->
                            decided(
                                failure == null
                                    ? decision
                                    : Decision.refuse(
                                        503, "the call could not be authorized: " + failure),
                                jobPath)));
  }

  private void decided(Decision decision, String jobPath) {
    if (gone) {
      return;
    }
    String tracingId = front.tracingId();
    boolean docsPage =
        "/".equals(jobPath) && HttpMethod.GET.equals(request.method()) && acceptsHtml();
    if (!decision.allowed()) {
      if (docsPage && decision.status() == 401) {
        String job = rest.substring(0, rest.indexOf('/'));
        front.respond(
            Answers.text(
                401, Answers.HTML, SwaggerPages.tokenPage(job, routed.path(), decision.message())));
      } else {
        front.respond(Answers.error(decision.status(), decision.message(), tracingId));
      }
      return;
    }
    CallPermit permit = decision.permit().orElseThrow();
    if (docsPage) {
      front.respond(
          Answers.text(
              200, Answers.HTML, SwaggerPages.docsPage(permit.jobName(), permit.jobVersion())));
      return;
    }
    if (permit.internalName().isEmpty()) {
      front.respond(
          Answers.error(
              502,
              "Reverse proxy error: job "
                  + permit.jobName()
                  + " v"
                  + permit.jobVersion()
                  + " has no address yet (status "
                  + permit.jobStatus()
                  + ")",
              tracingId));
      return;
    }
    proxy = calls.proxy(front, request, permit, jobPath, routed);
    proxy.start();
  }

  private boolean acceptsHtml() {
    String accept = request.headers().get(HttpHeaderNames.ACCEPT);
    return accept != null && accept.contains("text/html");
  }

  /**
   * The caller's token: the auth headers (current and legacy names), then the auth cookie of this
   * job (see {@link AuthCookies}); another job's cookie, or the former site-wide one, is not a
   * token for this job.
   */
  static Optional<String> token(HttpHeaders headers, String job) {
    for (String header : TOKEN_HEADERS) {
      String value = headers.get(header);
      if (value != null && !value.isBlank()) {
        return Optional.of(value.strip());
      }
    }
    return headers.contains(HttpHeaderNames.COOKIE)
        ? AuthCookies.token(headers.getAll(HttpHeaderNames.COOKIE), job)
        : Optional.empty();
  }

  @Override
  public void content(HttpContent content) {
    if (proxy == null) {
      ReferenceCountUtil.release(content);
      return;
    }
    proxy.content(content);
  }

  @Override
  public void clientWritabilityChanged(boolean writable) {
    if (proxy != null) {
      proxy.clientWritabilityChanged(writable);
    }
  }

  @Override
  public void clientGone() {
    gone = true;
    if (proxy != null) {
      proxy.clientGone();
    }
  }
}
