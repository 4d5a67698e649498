package dev.racetrack.pub;

import dev.racetrack.pub.async.CallGate;
import dev.racetrack.pub.exchange.PubAnswer;
import dev.racetrack.pub.exchange.PubRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Async calls' view of PUB's authorization: the same decision a synchronous call gets (token header
 * or this job's auth cookie, the permit cache, lifecycle's answer asked without blocking, the same
 * path rules), and a job's address from lifecycle with the internal token alone.
 */
final class AsyncGate implements CallGate {
  private final CallAuthorizer authorizer;
  private final LifecycleClient lifecycle;

  AsyncGate(CallAuthorizer authorizer, LifecycleClient lifecycle) {
    this.authorizer = authorizer;
    this.lifecycle = lifecycle;
  }

  @Override
  public CompletableFuture<Verdict> admit(
      String name, String version, String path, PubRequest request) {
    String tracingId =
        request
            .header(Front.TRACING_HEADER)
            .filter(RequestPaths::safeId)
            .orElseGet(RequestPaths::newTracingId);
    Optional<String> refused = RequestPaths.refusal(name + "/" + version + path);
    if (refused.isPresent()) {
      return CompletableFuture.completedFuture(rejection(400, refused.get(), tracingId));
    }
    HttpHeaders headers = new DefaultHttpHeaders();
    request.headers().forEach(h -> headers.add(h.getKey(), h.getValue()));
    Optional<String> token = JobCall.token(headers, name);
    String key = PermitCache.key(name, version, path, token);
    Optional<CallPermit> cached = authorizer.cached(key);
    CompletableFuture<Decision> decision =
        cached.isPresent()
            ? CompletableFuture.completedFuture(Decision.allow(cached.get()))
            : authorizer.ask(key, name, version, path, token, tracingId);
    return decision.handle(
        (d, failure) -> {
          if (failure != null) {
            return rejection(503, "the call could not be authorized: " + failure, tracingId);
          }
          if (!d.allowed()) {
            return rejection(d.status(), d.message(), tracingId);
          }
          CallPermit permit = d.permit().orElseThrow();
          if (permit.internalName().isEmpty()) {
            return rejection(
                502,
                "Reverse proxy error: job "
                    + permit.jobName()
                    + " v"
                    + permit.jobVersion()
                    + " has no address yet (status "
                    + permit.jobStatus()
                    + ")",
                tracingId);
          }
          return new Admission(
              permit.jobName(), permit.jobVersion(), permit.internalName(), permit.caller());
        });
  }

  @Override
  public CompletableFuture<Optional<String>> locate(String name, String version) {
    return lifecycle.jobAddress(name, version);
  }

  /** PUB's JSON error, the body {@link Answers#error} gives synchronous calls. */
  private static Rejection rejection(int status, String message, String tracingId) {
    return new Rejection(
        new PubAnswer(
            status,
            List.of(Map.entry("Content-Type", Answers.JSON)),
            Answers.errorJson(message, tracingId)));
  }
}
