package dev.racetrack.javawrapper;

import com.fasterxml.jackson.core.type.TypeReference;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One-line job-to-job calls for job code:
 *
 * <pre>{@code
 * Object sum = JobCalls.callJob("adder", "/api/v1/perform", Map.of("numbers", List.of(40, 2)));
 * double total = JobCalls.callJob("adder", "/api/v1/perform", payload, Double.class);
 * }</pre>
 *
 * <p>Calls go through PUB ({@code PUB_URL}) with the job family's {@code AUTH_TOKEN}; the tracing
 * id and caller name of the request being handled are propagated (see {@link RequestContext}). The
 * version defaults to {@code latest}, the timeout is 10 s. A non-2xx answer throws {@link
 * JobCallException}.
 *
 * <p>This is a static facade on purpose: job code has no access to the wrapper's object graph. The
 * client is set by {@link JobMain} from the wrapper's config, or read lazily from the environment.
 */
public final class JobCalls {
  public static final String LATEST = "latest";

  private static final AtomicReference<JobCallClient> CLIENT = new AtomicReference<>();
  private static volatile JobCallConfig configured;

  private JobCalls() {}

  /** Sets the client used by the static methods (tests). */
  static void configure(JobCallClient client) {
    CLIENT.set(client);
  }

  /**
   * Sets the configuration of the client made at the first call (done once by {@link JobMain}): a
   * job that never calls another never loads the client nor the JSON data binding it uses.
   */
  static void configure(JobCallConfig config) {
    configured = config;
  }

  static JobCallClient client() {
    JobCallClient client = CLIENT.get();
    if (client == null) {
      JobCallConfig config = configured;
      CLIENT.compareAndSet(
          null,
          new JobCallClient(config != null ? config : JobCallConfig.fromEnv(System.getenv())));
      client = CLIENT.get();
    }
    return client;
  }

  /** Calls the latest version of a job; returns the decoded JSON (maps, lists, numbers, ...). */
  public static Object callJob(String jobName, String path, Object payload) {
    return callJob(jobName, path, payload, LATEST, Object.class);
  }

  /** Calls a given version (exact, {@code latest} or a wildcard such as {@code 1.x}) of a job. */
  public static Object callJob(String jobName, String path, Object payload, String version) {
    return callJob(jobName, path, payload, version, Object.class);
  }

  /** Calls the latest version of a job and converts the result to {@code resultType}. */
  public static <T> T callJob(String jobName, String path, Object payload, Class<T> resultType) {
    return callJob(jobName, path, payload, LATEST, resultType);
  }

  /** Calls a version of a job and converts the result to {@code resultType}. */
  public static <T> T callJob(
      String jobName, String path, Object payload, String version, Class<T> resultType) {
    return client().call(jobName, version, path, payload, resultType);
  }

  /** Calls the latest version of a job; the result type may be generic. */
  public static <T> T callJob(
      String jobName, String path, Object payload, TypeReference<T> resultType) {
    return callJob(jobName, path, payload, LATEST, resultType);
  }

  /** Calls a version of a job; the result type may be generic. */
  public static <T> T callJob(
      String jobName, String path, Object payload, String version, TypeReference<T> resultType) {
    return client().call(jobName, version, path, payload, resultType);
  }
}
