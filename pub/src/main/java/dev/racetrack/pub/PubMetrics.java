package dev.racetrack.pub;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** PUB's Prometheus metrics (§5.5), with per-job meters cached so the hot path stays cheap. */
final class PubMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter authSuccessful = Counter.builder("pub_auth_successful").register(registry);
  private final Counter authFailed = Counter.builder("pub_auth_failed").register(registry);
  private final Counter lifecycleErrors =
      Counter.builder("pub_lifecycle_errors").register(registry);
  private final Counter cacheRecovered =
      Counter.builder("pub_lifecycle_cache_recovered_failed_responses").register(registry);
  private final Counter proxyErrors = Counter.builder("pub_job_proxy_errors").register(registry);
  private final Counter healthRequests = Counter.builder("pub_health_requests").register(registry);
  private final Timer lifecycleCalls = Timer.builder("pub_lifecycle_call_time").register(registry);
  private final Map<String, JobMeters> jobs = new ConcurrentHashMap<>();

  /** Meters of one job version. */
  record JobMeters(Counter requests, Counter done, DistributionSummary responseTime) {}

  JobMeters job(String name, String version) {
    return jobs.computeIfAbsent(
        name + "\n" + version,
        k ->
            new JobMeters(
                Counter.builder("pub_job_proxy_requests")
                    .tag("job_name", name)
                    .tag("job_version", version)
                    .register(registry),
                Counter.builder("pub_job_proxy_requests_done")
                    .tag("job_name", name)
                    .tag("job_version", version)
                    .register(registry),
                DistributionSummary.builder("pub_job_call_response_time")
                    .baseUnit("seconds")
                    .serviceLevelObjectives(
                        0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
                        60)
                    .tag("job_name", name)
                    .tag("job_version", version)
                    .register(registry)));
  }

  void authSucceeded() {
    authSuccessful.increment();
  }

  void authFailed() {
    authFailed.increment();
  }

  void lifecycleError() {
    lifecycleErrors.increment();
  }

  void recoveredFromCache() {
    cacheRecovered.increment();
  }

  void proxyError() {
    proxyErrors.increment();
  }

  void healthRequest() {
    healthRequests.increment();
  }

  <T> T timeLifecycleCall(Supplier<T> call) {
    return lifecycleCalls.record(call);
  }

  String scrape() {
    return registry.scrape();
  }
}
