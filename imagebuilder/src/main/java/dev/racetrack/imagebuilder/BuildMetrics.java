package dev.racetrack.imagebuilder;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * The image builder's metrics (§7.5 names): requests and their duration per job version, the time
 * spent in each phase, builds in progress, images built and failed builds.
 */
final class BuildMetrics {
  private static final Pattern PHASE_COUNT = Pattern.compile("\\s*\\(\\d+/\\d+\\)$");

  private final MeterRegistry registry;
  private final AtomicInteger active = new AtomicInteger();
  private final Counter built;
  private final Counter failed;

  BuildMetrics(MeterRegistry registry) {
    this.registry = registry;
    Gauge.builder("active_building_tasks", active, AtomicInteger::get).register(registry);
    this.built = Counter.builder("images_built").register(registry);
    this.failed = Counter.builder("images_building_errors").register(registry);
  }

  /** One build being measured; not thread-safe (a build runs on one thread). */
  final class Build {
    private final String job;
    private final String version;
    private final long started = System.nanoTime();
    private String phase;
    private long phaseStarted;

    private Build(String job, String version) {
      this.job = job;
      this.version = version;
    }

    /** Ends the current phase (if any) and starts timing {@code name}. */
    void phase(String name) {
      endPhase();
      phase = PHASE_COUNT.matcher(name).replaceFirst("");
      phaseStarted = System.nanoTime();
    }

    private void endPhase() {
      if (phase == null) {
        return;
      }
      Duration took = Duration.ofNanos(System.nanoTime() - phaseStarted);
      Timer.builder("image_building_phase_duration")
          .tags("job_name", job, "job_version", version, "phase", phase)
          .register(registry)
          .record(took);
      Counter.builder("image_building_phase_done")
          .tags("job_name", job, "job_version", version, "phase", phase)
          .register(registry)
          .increment();
      phase = null;
    }

    void finish(boolean succeeded) {
      endPhase();
      active.decrementAndGet();
      (succeeded ? built : failed).increment();
      Counter.builder("image_building_done_requests")
          .tags("job_name", job, "job_version", version)
          .register(registry)
          .increment();
      Timer.builder("image_building_request_duration")
          .tags("job_name", job, "job_version", version)
          .register(registry)
          .record(Duration.ofNanos(System.nanoTime() - started));
    }
  }

  Build start(String job, String version) {
    Counter.builder("image_building_requests")
        .tags("job_name", job, "job_version", version)
        .register(registry)
        .increment();
    active.incrementAndGet();
    return new Build(job, version);
  }
}
