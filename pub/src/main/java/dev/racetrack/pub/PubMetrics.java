package dev.racetrack.pub;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * PUB's Prometheus metrics (§5.5 names; counters get {@code _total}, seconds {@code _seconds}),
 * with per-job meters cached so the hot path stays cheap.
 */
final class PubMetrics {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Counter authSuccessful = counter("pub_auth_successful");
  private final Counter authFailed = counter("pub_auth_failed");
  private final Counter lifecycleErrors = counter("pub_lifecycle_errors");
  private final Counter cacheRetrieved = counter("pub_lifecycle_cache_retrieved_responses");
  private final Counter cacheRecovered = counter("pub_lifecycle_cache_recovered_failed_responses");
  private final Counter proxyErrors = counter("pub_job_proxy_errors");
  private final Counter connectionRefused = counter("pub_job_proxy_connection_refused_errors");
  private final Counter connectionBroken = counter("pub_job_proxy_connection_broken_errors");
  private final Counter deadlineErrors = counter("pub_job_proxy_context_deadline_errors");
  private final Counter canceledErrors = counter("pub_job_proxy_context_canceled_errors");
  private final Counter requestErrors = counter("pub_job_proxy_request_errors");
  private final Counter healthRequests = counter("pub_health_requests");
  private final Counter lifecycleCallCount = counter("pub_lifecycle_calls");
  private final Counter frontCalls = counter("pub_front_job_calls");
  private final Timer lifecycleCalls = Timer.builder("pub_lifecycle_call_time").register(registry);
  private final Counter overallResponseTime =
      Counter.builder("pub_overall_job_proxy_response_time").baseUnit("seconds").register(registry);
  private final Map<String, JobMeters> jobs = new ConcurrentHashMap<>();
  private static final int FIRST_COMMON_CODE = 100;
  private static final int LAST_COMMON_CODE = 599;

  PubMetrics() {
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  private Counter counter(String name) {
    return Counter.builder(name).register(registry);
  }

  /**
   * Meters of one job version; response-code counters are created on first use and kept in an array
   * indexed by the code (no boxing, no hashing per call), any code outside 100-599 in a map.
   */
  final class JobMeters {
    private final String name;
    private final String version;
    private final Counter requests;
    private final Counter started;
    private final Counter done;
    private final DistributionSummary responseTime;
    private final AtomicReferenceArray<Counter> commonCodes =
        new AtomicReferenceArray<>(LAST_COMMON_CODE + 1);
    private final Map<Integer, Counter> otherCodes = new ConcurrentHashMap<>();

    private JobMeters(String name, String version) {
      this.name = name;
      this.version = version;
      this.requests = jobCounter("pub_job_proxy_requests");
      this.started = jobCounter("pub_job_proxy_requests_started");
      this.done = jobCounter("pub_job_proxy_requests_done");
      this.responseTime =
          DistributionSummary.builder("pub_job_call_response_time")
              .baseUnit("seconds")
              .serviceLevelObjectives(
                  0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
              .tag("job_name", name)
              .tag("job_version", version)
              .register(registry);
    }

    private Counter jobCounter(String metric) {
      return Counter.builder(metric)
          .tag("job_name", name)
          .tag("job_version", version)
          .register(registry);
    }

    /** A call was authorised and is being proxied. */
    void started() {
      requests.increment();
      started.increment();
    }

    /** The job's answer went out (or the call failed) after {@code nanos}. */
    void done(int status, long nanos) {
      done.increment();
      double seconds = nanos / 1e9;
      responseTime.record(seconds);
      overallResponseTime.increment(seconds);
      codeCounter(status).increment();
    }

    /** The counter of answers with {@code status}. */
    Counter codeCounter(int status) {
      if (status < FIRST_COMMON_CODE || status > LAST_COMMON_CODE) {
        return otherCodes.computeIfAbsent(status, this::registerCode);
      }
      Counter counter = commonCodes.get(status);
      if (counter == null) {
        // a race registers the same meter twice: the registry hands back the one it holds
        counter = registerCode(status);
        commonCodes.set(status, counter);
      }
      return counter;
    }

    private Counter registerCode(int code) {
      return Counter.builder("pub_job_proxy_response_codes")
          .tag("job_name", name)
          .tag("job_version", version)
          .tag("status_code", Integer.toString(code))
          .register(registry);
    }
  }

  JobMeters job(String name, String version) {
    return jobs.computeIfAbsent(name + "\n" + version, k -> new JobMeters(name, version));
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

  void retrievedFromCache() {
    cacheRetrieved.increment();
  }

  void recoveredFromCache() {
    cacheRecovered.increment();
  }

  /** A proxied call failed; {@code cause} is the classification of {@link ProxyFailures#cause}. */
  void proxyError(ProxyFailure cause) {
    proxyErrors.increment();
    switch (cause) {
      case CONNECTION_REFUSED -> connectionRefused.increment();
      case CONNECTION_BROKEN -> connectionBroken.increment();
      case TIMEOUT -> deadlineErrors.increment();
      case CANCELED -> canceledErrors.increment();
      case OTHER -> requestErrors.increment();
    }
  }

  /** How a proxied call failed. */
  enum ProxyFailure {
    CONNECTION_REFUSED,
    CONNECTION_BROKEN,
    TIMEOUT,
    CANCELED,
    OTHER
  }

  /** A job call decided from the permit cache on the event loop. */
  void frontCall() {
    frontCalls.increment();
  }

  void healthRequest() {
    healthRequests.increment();
  }

  /** Counts a question to lifecycle and times it until {@code answer} completes. */
  <T> CompletableFuture<T> countLifecycleCall(CompletableFuture<T> answer) {
    lifecycleCallCount.increment();
    long started = System.nanoTime();
    return answer.whenComplete(
        (a, f) -> lifecycleCalls.record(System.nanoTime() - started, TimeUnit.NANOSECONDS));
  }

  String scrape() {
    return registry.scrape();
  }

  /** The registry PUB's {@code /metrics} shows (other PUB parts add their meters to it). */
  io.micrometer.core.instrument.MeterRegistry registry() {
    return registry;
  }
}
