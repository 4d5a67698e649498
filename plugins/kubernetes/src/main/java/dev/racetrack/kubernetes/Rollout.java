package dev.racetrack.kubernetes;

import dev.racetrack.spi.JobStartException;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Waits for the pods of one deployment of a job version (those carrying its timestamp label) to
 * become ready, and stops early, with the reason, when they cannot (image pull failures, crash
 * loops). Unschedulable pods may yet be scheduled (a node may be added), so they are waited for
 * until the deadline and then named as the reason.
 */
final class Rollout {
  private final KubernetesClient client;
  private final KubernetesConfig config;
  private final Clock clock;

  Rollout(KubernetesClient client, KubernetesConfig config, Clock clock) {
    this.client = client;
    this.config = config;
    this.clock = clock;
  }

  /**
   * Returns the ready pods once {@code replicas} of them are ready.
   *
   * @param onStarted called once when a container of a new pod has started
   * @throws JobStartException with the pods' problems when they fail or the deadline passes
   */
  List<Pod> await(
      String objectName,
      long deploymentTimestamp,
      int replicas,
      Duration timeout,
      Runnable onStarted) {
    Instant deadline = clock.instant().plus(timeout);
    boolean started = false;
    while (true) {
      List<Pod> pods = pods(objectName, deploymentTimestamp);
      List<Pod> ready = pods.stream().filter(PodProblems::ready).toList();
      if (!started && pods.stream().anyMatch(PodProblems::started)) {
        started = true;
        onStarted.run();
      }
      if (ready.size() >= replicas) {
        return ready;
      }
      List<Event> events = events();
      Optional<String> fatal = PodProblems.fatal(pods, events);
      if (fatal.isPresent()) {
        throw new JobStartException("the job's pods cannot start:\n" + fatal.get());
      }
      if (!clock.instant().isBefore(deadline)) {
        String why =
            PodProblems.describe(pods, events)
                .orElse(pods.isEmpty() ? "no pod was created" : "no pod became ready");
        throw new JobStartException(
            "the job did not become ready within "
                + timeout.toSeconds()
                + " s ("
                + ready.size()
                + " of "
                + replicas
                + " replicas ready):\n"
                + why);
      }
      pause();
    }
  }

  private List<Pod> pods(String objectName, long deploymentTimestamp) {
    return client
        .pods()
        .inNamespace(config.namespace())
        .withLabel(KubernetesNames.RESOURCE_LABEL, objectName)
        .withLabel(KubernetesNames.TIMESTAMP_LABEL, Long.toString(deploymentTimestamp))
        .list()
        .getItems();
  }

  private List<Event> events() {
    return client.v1().events().inNamespace(config.namespace()).list().getItems();
  }

  private void pause() {
    try {
      Thread.sleep(config.pollInterval().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobStartException("interrupted while waiting for the job's rollout", e);
    }
  }
}
