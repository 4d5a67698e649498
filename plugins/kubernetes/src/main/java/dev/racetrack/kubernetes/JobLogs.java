package dev.racetrack.kubernetes;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import io.fabric8.kubernetes.client.dsl.PodResource;
import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/** A job's output, read from its pods through the API server. */
final class JobLogs {
  private final KubernetesClient client;
  private final String namespace;

  JobLogs(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** The pods of a job version, oldest first. */
  List<Pod> pods(String objectName) {
    List<Pod> pods =
        new ArrayList<>(
            client
                .pods()
                .inNamespace(namespace)
                .withLabel(KubernetesNames.RESOURCE_LABEL, objectName)
                .list()
                .getItems());
    pods.sort(
        Comparator.comparing((Pod p) -> String.valueOf(p.getMetadata().getCreationTimestamp()))
            .thenComparing(p -> p.getMetadata().getName()));
    return pods;
  }

  /** The last lines of each pod (headed by its name when there are several). */
  String recent(String objectName, int tail) {
    List<Pod> pods = pods(objectName);
    StringBuilder out = new StringBuilder();
    for (Pod pod : pods) {
      if (pods.size() > 1) {
        out.append("--- pod ").append(pod.getMetadata().getName()).append(" ---\n");
      }
      try {
        String log = tail > 0 ? pod(pod).tailingLines(tail).getLog() : pod(pod).getLog();
        out.append(log == null ? "" : log);
      } catch (KubernetesClientException e) {
        out.append("(no logs: ")
            .append(e.getStatus() == null ? e.getMessage() : e.getStatus().getMessage())
            .append(")\n");
      }
    }
    return out.toString();
  }

  /** Streams the newest pod's output line by line until closed. */
  Closeable follow(String objectName, int tail, Consumer<String> onLine) {
    List<Pod> pods = pods(objectName);
    if (pods.isEmpty()) {
      return () -> {};
    }
    Pod newest = pods.getLast();
    LogWatch watch = tail > 0 ? pod(newest).tailingLines(tail).watchLog() : pod(newest).watchLog();
    Thread reader =
        Thread.ofVirtual()
            .name("log-follow-" + objectName)
            .start(
                () -> {
                  try (BufferedReader lines =
                      new BufferedReader(
                          new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = lines.readLine()) != null) {
                      onLine.accept(line);
                    }
                  } catch (IOException e) {
                    // closed by the caller, or the pod went away: the stream simply ends
                  }
                });
    return () -> {
      watch.close();
      reader.interrupt();
    };
  }

  private PodResource pod(Pod pod) {
    return client.pods().inNamespace(namespace).withName(pod.getMetadata().getName());
  }
}
