package dev.racetrack.kubernetes;

import dev.racetrack.spi.InfrastructurePlugin;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.PluginContext;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes API server (fabric8's mock in CRUD mode) plus a stand-in for the controllers and
 * kubelet: for every Deployment whose pods of the current template do not exist yet it creates
 * them, ready or failing as the test chose for that job, with the Warning events a kubelet or
 * scheduler would emit. It also serves pod logs and records every API request the target makes.
 * Public (in this module's test jar) for the server's tests, which run the target through {@link
 * #plugin()}.
 */
public final class ClusterFixture implements AutoCloseable {
  public static final String NAMESPACE = "racetrack-test";

  /** What the pods of a job do. */
  enum Behaviour {
    READY,
    CRASH_LOOP,
    IMAGE_PULL_FAILS,
    UNSCHEDULABLE
  }

  /** One API request: method and path (query excluded). */
  record Request(String method, String path, String query) {}

  private static final Pattern LOG_PATH =
      Pattern.compile("/api/v1/namespaces/[^/]+/pods/([^/?]+)/log");

  private static final String FIXTURE_AGENT = "cluster-fixture";

  private final KubernetesMockServer server;
  final NamespacedKubernetesClient client;
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, List<String>> podLogs = new ConcurrentHashMap<>();
  final List<Request> requests = new CopyOnWriteArrayList<>();
  private final ScheduledExecutorService kubelet =
      Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().factory());
  private int ip = 1;

  public ClusterFixture() {
    Dispatcher crud = new KubernetesMixedDispatcher(new HashMap<>());
    Dispatcher dispatcher =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            return handle(request, crud);
          }
        };
    server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    client =
        server
            .createClient(b -> b.editOrNewConfig().withUserAgent(FIXTURE_AGENT).endConfig())
            .inNamespace(NAMESPACE);
    kubelet.scheduleWithFixedDelay(this::reconcile, 10, 10, TimeUnit.MILLISECONDS);
  }

  private MockResponse handle(RecordedRequest request, Dispatcher crud) {
    URI uri = URI.create(request.getPath());
    if (!FIXTURE_AGENT.equals(request.getHeader("User-Agent"))
        && !uri.getPath().startsWith("/version")) {
      requests.add(new Request(request.getMethod(), uri.getPath(), String.valueOf(uri.getQuery())));
    }
    Matcher log = LOG_PATH.matcher(uri.getPath());
    if (log.matches() && "GET".equals(request.getMethod())) {
      return logResponse(log.group(1), String.valueOf(uri.getQuery()));
    }
    return crud.dispatch(request);
  }

  private MockResponse logResponse(String pod, String query) {
    List<String> lines = podLogs.getOrDefault(pod, List.of());
    Matcher tail = Pattern.compile("tailLines=(\\d+)").matcher(query);
    if (tail.find()) {
      int n = Integer.parseInt(tail.group(1));
      lines = lines.subList(Math.max(0, lines.size() - n), lines.size());
    }
    String body = lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    return new MockResponse().setResponseCode(200).setBody(body);
  }

  /** A client for the target under test (its requests are recorded). */
  NamespacedKubernetesClient targetClient() {
    return server.createClient();
  }

  /**
   * The {@code kubernetes} target on this cluster, as an infrastructure plugin: lifecycle's
   * environment configures it ({@code KUBERNETES_*}, the namespace defaults to {@link #NAMESPACE}),
   * its client talks to this server, and the jobs' last call time is never probed.
   */
  public InfrastructurePlugin plugin() {
    return new InfrastructurePlugin() {
      @Override
      public String name() {
        return KubernetesTarget.NAME;
      }

      @Override
      public boolean keepsSecretsOutsideDataDir() {
        return true;
      }

      @Override
      public InfrastructureTarget create(PluginContext context) {
        Map<String, String> env = new HashMap<>(context.env());
        env.putIfAbsent("KUBERNETES_NAMESPACE", NAMESPACE);
        return new KubernetesTarget(
            KubernetesTarget.NAME,
            targetClient(),
            KubernetesConfig.fromEnv(env),
            context.clock(),
            address -> OptionalLong.empty());
      }
    };
  }

  /** The images of the job Deployments in the namespace, by Deployment name. */
  public Map<String, String> jobImages() {
    Map<String, String> images = new HashMap<>();
    for (Deployment d :
        client.apps().deployments().withLabel(KubernetesNames.JOB_LABEL).list().getItems()) {
      images.put(
          d.getMetadata().getName(),
          d.getSpec().getTemplate().getSpec().getContainers().getFirst().getImage());
    }
    return images;
  }

  /**
   * The decoded data of the Secret holding a job version's stored secrets (git credentials, secret
   * build and runtime variables); empty when there is none.
   */
  public Map<String, String> storedSecrets(String jobName, String jobVersion) {
    return Optional.ofNullable(
            client
                .secrets()
                .withName(
                    KubernetesNames.storedSecretName(
                        KubernetesNames.objectName(jobName, jobVersion)))
                .get())
        .map(JobResources::decode)
        .orElse(Map.of());
  }

  /** Removes the Secret of a job version's stored secrets, as from a cluster built anew. */
  public void deleteStoredSecrets(String jobName, String jobVersion) {
    client
        .secrets()
        .withName(KubernetesNames.storedSecretName(KubernetesNames.objectName(jobName, jobVersion)))
        .delete();
  }

  /** How many Services and Secrets labelled as a job's are in the namespace. */
  public int jobServicesAndSecrets() {
    return client.services().withLabel(KubernetesNames.JOB_LABEL).list().getItems().size()
        + client.secrets().withLabel(KubernetesNames.JOB_LABEL).list().getItems().size();
  }

  /** The pods of a job named {@code jobName} behave so from now on (new pods only). */
  void behave(String jobName, Behaviour behaviour) {
    behaviours.put(jobName, behaviour);
  }

  /** What the pod named so prints. */
  void podLog(String pod, String... lines) {
    podLogs.put(pod, List.of(lines));
  }

  List<Pod> pods(String objectName) {
    return client.pods().withLabel(KubernetesNames.RESOURCE_LABEL, objectName).list().getItems();
  }

  /** Makes an existing pod crash-loop (the kubelet's view of a job that died after starting). */
  void crash(Pod pod) {
    pod.setStatus(status(Behaviour.CRASH_LOOP));
    client.pods().resource(pod).update();
  }

  private synchronized void reconcile() {
    try {
      for (Deployment d : client.apps().deployments().list().getItems()) {
        Map<String, String> labels = d.getSpec().getTemplate().getMetadata().getLabels();
        String object = labels.get(KubernetesNames.RESOURCE_LABEL);
        String timestamp = labels.get(KubernetesNames.TIMESTAMP_LABEL);
        boolean exists =
            !client
                .pods()
                .withLabel(KubernetesNames.RESOURCE_LABEL, object)
                .withLabel(KubernetesNames.TIMESTAMP_LABEL, timestamp)
                .list()
                .getItems()
                .isEmpty();
        if (!exists) {
          String jobName = d.getMetadata().getLabels().get(KubernetesNames.NAME_LABEL);
          Behaviour behaviour = behaviours.getOrDefault(jobName, Behaviour.READY);
          for (int i = 0; i < d.getSpec().getReplicas(); i++) {
            createPod(object + "-" + timestamp + "-" + i, labels, behaviour);
          }
        }
      }
    } catch (RuntimeException e) {
      // the server is shutting down, or a test removed objects meanwhile: try again next round
    }
  }

  private void createPod(String name, Map<String, String> labels, Behaviour behaviour) {
    Pod pod =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(NAMESPACE)
            .withLabels(labels)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("job")
            .withImage("registry.example/job@sha256:abc")
            .endContainer()
            .endSpec()
            .build();
    warning(behaviour, name); // as a kubelet would, before the status shows the failure
    pod.setStatus(status(behaviour));
    if (behaviour == Behaviour.READY) {
      pod.getStatus().setPodIP("10.1.0." + ip++);
    }
    client.pods().resource(pod).create();
    Pod stored = client.pods().withName(name).get();
    if (stored.getStatus() == null || stored.getStatus().getPhase() == null) {
      stored.setStatus(status(behaviour));
      client.pods().resource(stored).updateStatus();
    }
  }

  private void warning(Behaviour behaviour, String pod) {
    String[] reasonAndMessage =
        switch (behaviour) {
          case READY -> null;
          case CRASH_LOOP -> new String[] {"BackOff", "Back-off restarting failed container job"};
          case IMAGE_PULL_FAILS ->
              new String[] {
                "Failed", "Failed to pull image \"registry.example/job@sha256:abc\": not found"
              };
          case UNSCHEDULABLE ->
              new String[] {"FailedScheduling", "0/3 nodes are available: 3 Insufficient memory."};
        };
    if (reasonAndMessage == null) {
      return;
    }
    client
        .v1()
        .events()
        .resource(
            new EventBuilder()
                .withNewMetadata()
                .withName(pod + "." + System.nanoTime())
                .withNamespace(NAMESPACE)
                .endMetadata()
                .withType("Warning")
                .withReason(reasonAndMessage[0])
                .withMessage(reasonAndMessage[1])
                .withNewInvolvedObject()
                .withKind("Pod")
                .withName(pod)
                .withNamespace(NAMESPACE)
                .endInvolvedObject()
                .build())
        .create();
  }

  private static PodStatus status(Behaviour behaviour) {
    PodStatusBuilder status = new PodStatusBuilder();
    List<PodCondition> conditions = new ArrayList<>();
    switch (behaviour) {
      case READY -> {
        status.withPhase("Running");
        conditions.add(condition("PodScheduled", "True", null, null));
        conditions.add(condition("Ready", "True", null, null));
        status.withContainerStatuses(
            new ContainerStatusBuilder()
                .withName("job")
                .withReady(true)
                .withRestartCount(0)
                .withNewState()
                .withNewRunning()
                .endRunning()
                .endState()
                .build());
      }
      case CRASH_LOOP ->
          status
              .withPhase("Running")
              .withContainerStatuses(
                  new ContainerStatusBuilder()
                      .withName("job")
                      .withReady(false)
                      .withRestartCount(3)
                      .withNewState()
                      .withNewWaiting()
                      .withReason("CrashLoopBackOff")
                      .withMessage("back-off 40s restarting failed container=job")
                      .endWaiting()
                      .endState()
                      .withNewLastState()
                      .withNewTerminated()
                      .withExitCode(1)
                      .withReason("Error")
                      .endTerminated()
                      .endLastState()
                      .build());
      case IMAGE_PULL_FAILS ->
          status
              .withPhase("Pending")
              .withContainerStatuses(
                  new ContainerStatusBuilder()
                      .withName("job")
                      .withReady(false)
                      .withRestartCount(0)
                      .withNewState()
                      .withNewWaiting()
                      .withReason("ImagePullBackOff")
                      .withMessage("Back-off pulling image \"registry.example/job@sha256:abc\"")
                      .endWaiting()
                      .endState()
                      .build());
      case UNSCHEDULABLE -> {
        status.withPhase("Pending");
        conditions.add(
            condition(
                "PodScheduled",
                "False",
                "Unschedulable",
                "0/3 nodes are available: 3 Insufficient memory."));
      }
    }
    return status.withConditions(conditions).build();
  }

  private static PodCondition condition(String type, String value, String reason, String message) {
    PodCondition c = new PodCondition();
    c.setType(type);
    c.setStatus(value);
    c.setReason(reason);
    c.setMessage(message);
    return c;
  }

  /** The RBAC (apiGroup, resource, verb) triples of the recorded requests. */
  List<String> accessUsed() {
    List<String> used = new ArrayList<>();
    for (Request r : requests) {
      used.add(access(r));
    }
    return used;
  }

  static String access(Request r) {
    List<String> parts = new ArrayList<>(Arrays.asList(r.path().substring(1).split("/")));
    String group;
    if ("api".equals(parts.get(0))) {
      group = "";
      parts = parts.subList(2, parts.size()); // api, v1
    } else {
      group = parts.get(1);
      parts = parts.subList(3, parts.size()); // apis, group, version
    }
    if (!parts.isEmpty() && "namespaces".equals(parts.get(0))) {
      parts = parts.subList(2, parts.size());
    }
    String resource = parts.get(0);
    boolean item = parts.size() > 1;
    if (parts.size() > 2) {
      resource = resource + "/" + parts.get(2);
    }
    String verb =
        switch (r.method()) {
          case "GET" -> item ? "get" : r.query().contains("watch=true") ? "watch" : "list";
          case "POST" -> "create";
          case "PUT" -> "update";
          case "PATCH" -> "patch";
          case "DELETE" -> item ? "delete" : "deletecollection";
          default -> r.method();
        };
    return group + "|" + resource + "|" + verb;
  }

  @Override
  public void close() {
    kubelet.shutdownNow();
    client.close();
    server.destroy();
  }
}
