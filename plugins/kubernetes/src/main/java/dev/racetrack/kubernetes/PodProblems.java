package dev.racetrack.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Why pods are not ready, from their status and their Warning events (image pull failures, crash
 * loops, unschedulable pods). Model code: reads objects, does no I/O.
 */
final class PodProblems {
  /** Container states that waiting will not heal: a rollout stops at once when it sees one. */
  static final Set<String> FATAL_REASONS =
      Set.of(
          "ErrImagePull",
          "ImagePullBackOff",
          "InvalidImageName",
          "ErrImageNeverPull",
          "CrashLoopBackOff",
          "CreateContainerConfigError",
          "CreateContainerError");

  private PodProblems() {}

  /** A problem that makes waiting pointless, if any pod has one. */
  static Optional<String> fatal(List<Pod> pods, List<Event> events) {
    boolean fatal =
        pods.stream()
            .flatMap(p -> statuses(p).stream())
            .map(ContainerStatus::getState)
            .anyMatch(
                s ->
                    s != null
                        && s.getWaiting() != null
                        && FATAL_REASONS.contains(s.getWaiting().getReason()));
    return fatal ? describe(pods, events) : Optional.empty();
  }

  /** Everything the pods and their events say about why they are not ready. */
  static Optional<String> describe(List<Pod> pods, List<Event> events) {
    Set<String> lines = new LinkedHashSet<>();
    for (Pod pod : pods) {
      String name = pod.getMetadata().getName();
      for (ContainerStatus status : statuses(pod)) {
        Optional.ofNullable(status.getState())
            .map(s -> s.getWaiting())
            .filter(w -> w.getReason() != null && !"ContainerCreating".equals(w.getReason()))
            .ifPresent(w -> lines.add(waiting(name, w)));
        Optional.ofNullable(status.getLastState())
            .map(s -> s.getTerminated())
            .ifPresent(t -> lines.add(terminated(name, t)));
      }
      conditions(pod).stream()
          .filter(c -> "PodScheduled".equals(c.getType()) && "False".equals(c.getStatus()))
          .forEach(c -> lines.add("pod " + name + ": " + c.getReason() + ": " + c.getMessage()));
    }
    Set<String> podNames =
        pods.stream().map(p -> p.getMetadata().getName()).collect(Collectors.toSet());
    for (Event event : events) {
      if ("Warning".equals(event.getType())
          && event.getInvolvedObject() != null
          && podNames.contains(event.getInvolvedObject().getName())) {
        lines.add(
            "pod "
                + event.getInvolvedObject().getName()
                + ": "
                + event.getReason()
                + ": "
                + event.getMessage());
      }
    }
    return lines.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", lines));
  }

  /** Whether a pod reports the Ready condition. */
  static boolean ready(Pod pod) {
    return pod.getMetadata().getDeletionTimestamp() == null
        && conditions(pod).stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** Whether any container of the pod has started (its entrypoint is loading). */
  static boolean started(Pod pod) {
    return statuses(pod).stream()
        .anyMatch(s -> s.getState() != null && s.getState().getRunning() != null);
  }

  /** Restarts of all the pod's containers. */
  static int restarts(Pod pod) {
    return statuses(pod).stream()
        .mapToInt(s -> s.getRestartCount() == null ? 0 : s.getRestartCount())
        .sum();
  }

  private static String waiting(String pod, ContainerStateWaiting w) {
    return "pod "
        + pod
        + ": "
        + w.getReason()
        + (w.getMessage() == null ? "" : ": " + w.getMessage());
  }

  private static String terminated(String pod, ContainerStateTerminated t) {
    return "pod "
        + pod
        + ": last exit code "
        + t.getExitCode()
        + (t.getReason() == null ? "" : " (" + t.getReason() + ")");
  }

  private static List<ContainerStatus> statuses(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null) {
      return List.of();
    }
    return new ArrayList<>(pod.getStatus().getContainerStatuses());
  }

  private static List<PodCondition> conditions(Pod pod) {
    if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
      return List.of();
    }
    return pod.getStatus().getConditions();
  }
}
