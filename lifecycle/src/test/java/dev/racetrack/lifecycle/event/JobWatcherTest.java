package dev.racetrack.lifecycle.event;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class JobWatcherTest {

  private static Job job() {
    return new Job(
        "id-1",
        "adder",
        "1.0.0",
        JobStatus.RUNNING,
        1L,
        1L,
        Map.of(),
        "",
        null,
        null,
        null,
        null,
        null,
        "admin",
        null,
        "local",
        List.of(),
        "python3:1.0.0",
        Map.of());
  }

  @Test
  void look_publishesOnlyWhenTheListChanged_andReadsNothingWithoutListeners() {
    AtomicReference<List<Job>> jobs = new AtomicReference<>(List.of());
    AtomicInteger reads = new AtomicInteger();
    EventBus bus = new EventBus();
    List<PlatformEvent> received = new ArrayList<>();
    try (JobWatcher watcher =
        new JobWatcher(
            () -> {
              reads.incrementAndGet();
              return jobs.get();
            },
            bus,
            Duration.ofHours(1))) {
      watcher.look();
      assertThat(reads).hasValue(0);

      try (EventBus.Subscription subscription = bus.subscribe(received::add)) {
        watcher.look(); // baseline
        watcher.look(); // unchanged
        assertThat(received).isEmpty();

        jobs.set(List.of(job()));
        watcher.look();
        assertThat(received).containsExactly(new PlatformEvent.JobModelsChanged());
      }
      watcher.look();
      assertThat(received).hasSize(1);
    }
  }

  @Test
  void look_whenALatestDeploymentChangesPhase_publishesDeploymentsChangedOnly() {
    AtomicReference<List<String>> deployments = new AtomicReference<>(List.of("d1:building"));
    EventBus bus = new EventBus();
    List<PlatformEvent> received = new ArrayList<>();
    try (JobWatcher watcher = new JobWatcher(List::of, deployments::get, bus, Duration.ofHours(1));
        EventBus.Subscription subscription = bus.subscribe(received::add)) {
      watcher.look(); // baseline
      watcher.look(); // unchanged
      assertThat(received).isEmpty();

      deployments.set(List.of("d1:provisioning"));
      watcher.look();

      assertThat(received).containsExactly(new PlatformEvent.DeploymentsChanged());
      assertThat(received.getFirst().name()).isEqualTo("deployments_changed");
    }
  }
}
