package dev.racetrack.pub;

import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.pub.async.AsyncEndpoint;
import dev.racetrack.pub.exchange.PubAnswer;
import dev.racetrack.pub.upstream.UpstreamPool;
import io.netty.handler.codec.http.HttpRequest;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * What every job call shares: the authorizer, the pool of job connections, the job secrets, the
 * answer header rules, the async endpoint and the default call timeout.
 */
final class JobCalls {
  private final CallAuthorizer authorizer;
  private final PubMetrics metrics;
  private final PermitCache cache;
  private final UpstreamPool pool;
  private final JobCallSecrets secrets;
  private final JobAnswerHeaders answerHeaders;
  private final AsyncEndpoint async;
  private final Duration defaultCallTimeout;
  private final long maxBody;
  private final ConcurrencyLimits concurrency = new ConcurrencyLimits();

  /** The job side of calls: connections, secrets, answer rules. */
  record Jobs(UpstreamPool pool, JobCallSecrets secrets, JobAnswerHeaders answerHeaders) {}

  JobCalls(
      CallAuthorizer authorizer,
      PermitCache cache,
      PubMetrics metrics,
      Jobs jobs,
      AsyncEndpoint async,
      Duration defaultCallTimeout,
      long maxBody) {
    this.authorizer = authorizer;
    this.cache = cache;
    this.metrics = metrics;
    this.pool = jobs.pool();
    this.secrets = jobs.secrets();
    this.answerHeaders = jobs.answerHeaders();
    this.async = async;
    this.defaultCallTimeout = defaultCallTimeout;
    this.maxBody = maxBody;
  }

  Exchange call(HttpRequest request, Front front, JobCall.Route routed, String rest) {
    return new JobCall(this, front, request, routed, rest);
  }

  ProxyCall proxy(
      Front front, HttpRequest request, CallPermit permit, String jobPath, JobCall.Route routed) {
    return new ProxyCall(this, front, request, permit, new ProxyCall.Target(jobPath, routed));
  }

  /** Writes an answer computed off the event loop, on the connection's event loop. */
  void answerLater(Front front, CompletableFuture<PubAnswer> answer) {
    answer.whenComplete(
        (a, failure) ->
            front
                .context()
                .executor()
                .execute(
                    () ->
                        front.respond(
                            failure == null
                                ? Answers.of(a)
                                : Answers.error(
                                    500, "the async call failed: " + failure, front.tracingId()))));
  }

  CallAuthorizer authorizer() {
    return authorizer;
  }

  PubMetrics metrics() {
    return metrics;
  }

  PermitCache cache() {
    return cache;
  }

  UpstreamPool pool() {
    return pool;
  }

  /** The meters and secret of {@code permit}'s job (looked up once per connection and permit). */
  RouteMemo.PerJob perJob(RouteMemo memo, CallPermit permit) {
    return memo.perJob(
        permit,
        p ->
            new RouteMemo.PerJob(
                metrics.job(p.jobName(), p.jobVersion()),
                secrets.secret(p.jobName(), p.jobVersion())));
  }

  JobCallSecrets secrets() {
    return secrets;
  }

  JobAnswerHeaders answerHeaders() {
    return answerHeaders;
  }

  AsyncEndpoint async() {
    return async;
  }

  Duration defaultCallTimeout() {
    return defaultCallTimeout;
  }

  long maxBody() {
    return maxBody;
  }

  ConcurrencyLimits concurrency() {
    return concurrency;
  }
}
