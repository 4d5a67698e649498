package dev.racetrack.kubernetes;

import static dev.racetrack.kubernetes.KubernetesNames.envSecretName;
import static dev.racetrack.kubernetes.KubernetesNames.objectName;
import static dev.racetrack.kubernetes.KubernetesNames.storedSecretName;

import dev.racetrack.model.JobStatus;
import dev.racetrack.spi.DeployedJob;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobProvision;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.JobStartException;
import dev.racetrack.spi.JobState;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.Closeable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes infrastructure target: each job version is a Deployment, a Service (the address
 * PUB calls) and Secrets, all labelled {@code racetrack/job}. The target keeps nothing in memory:
 * every answer is read from the API server, so a restarted lifecycle (or a second one) adopts the
 * jobs as they are.
 */
public final class KubernetesTarget implements InfrastructureTarget {
  private static final Logger LOG = LoggerFactory.getLogger(KubernetesTarget.class);
  public static final String NAME = "kubernetes";

  private final String name;
  private final KubernetesClient client;
  private final KubernetesConfig config;
  private final Rollout rollout;
  private final JobLogs logs;
  private final Function<String, OptionalLong> lastCallTime;
  private final Map<String, Object> locks = new ConcurrentHashMap<>();

  /**
   * @param lastCallTime the last call time a running job reports, by its address (a probe of its
   *     {@code /metrics})
   */
  KubernetesTarget(
      String name,
      KubernetesClient client,
      KubernetesConfig config,
      Clock clock,
      Function<String, OptionalLong> lastCallTime) {
    this.name = name;
    this.client = client;
    this.config = config;
    this.rollout = new Rollout(client, config, clock);
    this.logs = new JobLogs(client, config.namespace());
    this.lastCallTime = lastCallTime;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean runsImages() {
    return true;
  }

  @Override
  public DeployedJob deploy(JobProvision provision, Consumer<String> phases) {
    String jobName = provision.manifest().name();
    String jobVersion = provision.manifest().version();
    String object = objectName(jobName, jobVersion);
    synchronized (locks.computeIfAbsent(object, k -> new Object())) {
      Optional<Deployment> previous = deployment(object);
      Optional<Secret> previousEnv = secret(envSecretName(object));
      phases.accept("starting Job server");
      Deployment desired = JobResources.deployment(provision, config);
      apply(JobResources.envSecret(provision, config));
      if (client.services().inNamespace(config.namespace()).withName(object).get() == null) {
        client.resource(JobResources.service(jobName, jobVersion, config)).create();
      }
      apply(desired);
      List<Pod> ready;
      try {
        ready =
            rollout.await(
                object,
                provision.deploymentTimestamp(),
                desired.getSpec().getReplicas(),
                provision.readinessTimeout(),
                () -> phases.accept("initializing Job entrypoint"));
      } catch (JobStartException e) {
        String recent = logs.recent(object, 20);
        restore(jobName, jobVersion, previous, previousEnv);
        throw new JobStartException(
            e.getMessage() + (recent.isBlank() ? "" : "\nRecent logs of the job:\n" + recent), e);
      }
      LOG.info("job {} v{} is ready on {} ({})", jobName, jobVersion, name, object);
      return new DeployedJob(
          JobResources.address(object, config),
          // PUB reaches every replica through the Service (kube-proxy spreads the calls): pod IPs
          // change on every restart and would be stale between two status syncs
          List.of(JobResources.address(object, config)),
          Map.of(
              "replicas",
              ready.size(),
              "number_of_restarts",
              ready.stream().mapToInt(PodProblems::restarts).sum()));
    }
  }

  /** Puts back what ran before a failed deployment: the previous version, or nothing at all. */
  private void restore(
      String jobName, String jobVersion, Optional<Deployment> previous, Optional<Secret> env) {
    if (previous.isEmpty()) {
      deleteObjects(jobName, jobVersion, false);
      return;
    }
    env.map(KubernetesTarget::fresh).ifPresent(this::apply);
    apply(fresh(previous.get()));
  }

  /** A copy of an object read from the cluster, fit to be written back. */
  private static <T extends HasMetadata> T fresh(T object) {
    object.getMetadata().setResourceVersion(null);
    object.getMetadata().setUid(null);
    object.getMetadata().setCreationTimestamp(null);
    object.getMetadata().setManagedFields(null);
    return object;
  }

  private <T extends HasMetadata> void apply(T object) {
    client.resource(object).inNamespace(config.namespace()).createOr(NonDeletingOperation::update);
  }

  private Optional<Deployment> deployment(String object) {
    return Optional.ofNullable(
        client.apps().deployments().inNamespace(config.namespace()).withName(object).get());
  }

  private Optional<Secret> secret(String secretName) {
    return Optional.ofNullable(
        client.secrets().inNamespace(config.namespace()).withName(secretName).get());
  }

  @Override
  public void delete(String jobName, String jobVersion) {
    String object = objectName(jobName, jobVersion);
    synchronized (locks.computeIfAbsent(object, k -> new Object())) {
      deleteObjects(jobName, jobVersion, true);
    }
  }

  /** Deletes the labelled objects of a job version; its stored secrets only if asked. */
  private void deleteObjects(String jobName, String jobVersion, boolean storedSecrets) {
    String object = objectName(jobName, jobVersion);
    String ns = config.namespace();
    List<HasMetadata> doomed = new ArrayList<>();
    doomed.addAll(
        client
            .apps()
            .deployments()
            .inNamespace(ns)
            .withLabel(KubernetesNames.RESOURCE_LABEL, object)
            .list()
            .getItems());
    doomed.addAll(
        client
            .services()
            .inNamespace(ns)
            .withLabel(KubernetesNames.RESOURCE_LABEL, object)
            .list()
            .getItems());
    client
        .secrets()
        .inNamespace(ns)
        .withLabel(KubernetesNames.RESOURCE_LABEL, object)
        .list()
        .getItems()
        .stream()
        .filter(s -> storedSecrets || !s.getMetadata().getName().equals(storedSecretName(object)))
        .forEach(doomed::add);
    for (HasMetadata item : doomed) {
      client.resource(item).inNamespace(ns).delete();
    }
  }

  @Override
  public List<JobState> list() {
    String ns = config.namespace();
    List<Pod> pods =
        client.pods().inNamespace(ns).withLabel(KubernetesNames.JOB_LABEL).list().getItems();
    List<Event> events = client.v1().events().inNamespace(ns).list().getItems();
    List<JobState> states = new ArrayList<>();
    for (Deployment deployment :
        client
            .apps()
            .deployments()
            .inNamespace(ns)
            .withLabel(KubernetesNames.JOB_LABEL)
            .list()
            .getItems()) {
      states.add(state(deployment, pods, events));
    }
    return states;
  }

  private JobState state(Deployment deployment, List<Pod> allPods, List<Event> events) {
    String object = deployment.getMetadata().getName();
    Map<String, String> annotations =
        Optional.ofNullable(deployment.getSpec().getTemplate().getMetadata().getAnnotations())
            .orElse(Map.of());
    String jobName = annotations.getOrDefault(KubernetesNames.NAME_ANNOTATION, object);
    String jobVersion = annotations.getOrDefault(KubernetesNames.VERSION_ANNOTATION, "");
    List<Pod> pods =
        allPods.stream()
            .filter(
                p ->
                    p.getMetadata().getLabels() != null
                        && object.equals(
                            p.getMetadata().getLabels().get(KubernetesNames.RESOURCE_LABEL)))
            .toList();
    List<Pod> ready = pods.stream().filter(PodProblems::ready).toList();
    int desired = Optional.ofNullable(deployment.getSpec().getReplicas()).orElse(1);
    String address = JobResources.address(object, config);
    boolean running = desired > 0 && ready.size() >= desired;
    Optional<String> error =
        running
            ? Optional.empty()
            : Optional.of(
                PodProblems.describe(pods, events)
                    .orElse(ready.size() + " of " + desired + " replicas ready"));
    return new JobState(
        jobName,
        jobVersion,
        running ? JobStatus.RUNNING : JobStatus.ERROR,
        error,
        address,
        List.of(address),
        Map.of(
            "replicas",
            ready.size(),
            "number_of_restarts",
            pods.stream().mapToInt(PodProblems::restarts).sum()),
        running ? lastCallTime.apply(address) : OptionalLong.empty());
  }

  @Override
  public String recentLogs(String jobName, String jobVersion, int tail) {
    return logs.recent(objectName(jobName, jobVersion), tail);
  }

  @Override
  public Closeable followLogs(
      String jobName, String jobVersion, int tail, Consumer<String> onLine) {
    return logs.follow(objectName(jobName, jobVersion), tail, onLine);
  }

  @Override
  public void saveSecrets(String jobName, String jobVersion, JobSecrets secrets) {
    apply(
        JobResources.secret(
            storedSecretName(objectName(jobName, jobVersion)),
            jobName,
            jobVersion,
            StoredSecrets.encode(secrets),
            config));
  }

  @Override
  public Optional<JobSecrets> secrets(String jobName, String jobVersion) {
    return secret(storedSecretName(objectName(jobName, jobVersion)))
        .map(s -> StoredSecrets.decode(JobResources.decode(s)));
  }

  /** Closes the API client; the jobs keep running. */
  @Override
  public void close() {
    client.close();
  }
}
