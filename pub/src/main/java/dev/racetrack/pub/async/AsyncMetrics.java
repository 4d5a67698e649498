package dev.racetrack.pub.async;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** PUB's async call meters (reference §5.5): {@code pub_async_*}. */
final class AsyncMetrics {
  private final MeterRegistry registry;
  private final Counter errors;
  private final Counter retried;
  private final Counter retriedCrashed;
  private final Counter retriedMissing;

  AsyncMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.errors =
        Counter.builder("pub_async_job_calls_errors")
            .description("Async job calls that ended failed")
            .register(registry);
    this.retried =
        Counter.builder("pub_async_retried_task")
            .description("Async calls retried after the job died mid-call or answered 404")
            .register(registry);
    this.retriedCrashed =
        Counter.builder("pub_async_retried_crashed_task")
            .description("Async calls taken over from a PUB that stopped renewing its lease")
            .register(registry);
    this.retriedMissing =
        Counter.builder("pub_async_retried_missing_task")
            .description("Async calls taken over when a poll found their owner gone")
            .register(registry);
  }

  void started(String job, String version) {
    jobCounter("pub_async_job_calls_started", "Async job calls started", job, version).increment();
  }

  void done(String job, String version) {
    jobCounter("pub_async_job_calls_done", "Async job calls ended", job, version).increment();
  }

  void error() {
    errors.increment();
  }

  void retried() {
    retried.increment();
  }

  void takenOver(boolean foundByPoll) {
    (foundByPoll ? retriedMissing : retriedCrashed).increment();
  }

  private Counter jobCounter(String name, String description, String job, String version) {
    return Counter.builder(name)
        .description(description)
        .tag("job_name", job)
        .tag("job_version", version)
        .register(registry);
  }
}
