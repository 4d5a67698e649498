package dev.racetrack.kubernetes;

import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.JobLabels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** Names and labels of the objects the target keeps for a job version. */
final class KubernetesNames {
  /** Every object of every job carries this label (value: the object name, as the original). */
  static final String JOB_LABEL = JobLabels.JOB;

  static final String NAME_LABEL = JobLabels.NAME;
  static final String VERSION_LABEL = JobLabels.VERSION;

  /** Selects the pods of one job version: the object name. */
  static final String RESOURCE_LABEL = "racetrack/resource";

  /** On the pod template: the deployment it belongs to, so a rollout tells new pods from old. */
  static final String TIMESTAMP_LABEL = JobLabels.DEPLOYMENT_TIMESTAMP;

  /** On the pod template: the job name and version as written (label values are restricted). */
  static final String NAME_ANNOTATION = "racetrack.dev/job-name";

  static final String VERSION_ANNOTATION = "racetrack.dev/job-version";

  private static final int MAX_NAME = 63;

  private KubernetesNames() {}

  /**
   * The name of a job version's Deployment and Service (a DNS label: lower case, digits and dashes,
   * at most 63 characters; longer names are cut and end with a hash of the whole name).
   */
  static String objectName(String jobName, String jobVersion) {
    String resource = Manifest.resourceName(jobName, jobVersion);
    if (resource.length() <= MAX_NAME) {
      return resource;
    }
    String hash = sha256(resource).substring(0, 10);
    String cut = resource.substring(0, MAX_NAME - hash.length() - 1);
    while (cut.endsWith("-")) {
      cut = cut.substring(0, cut.length() - 1);
    }
    return cut + "-" + hash;
  }

  /** The Secret with the job's runtime environment (what the pods read). */
  static String envSecretName(String objectName) {
    return objectName + "-env";
  }

  /** The Secret that stores the version's secrets for later redeployments. */
  static String storedSecretName(String objectName) {
    return objectName + "-secrets";
  }

  /** Labels of every object of a job version. */
  static Map<String, String> labels(String jobName, String jobVersion) {
    return Map.of(
        JOB_LABEL,
        objectName(jobName, jobVersion),
        NAME_LABEL,
        labelValue(jobName),
        VERSION_LABEL,
        labelValue(jobVersion),
        RESOURCE_LABEL,
        objectName(jobName, jobVersion));
  }

  /** A valid label value: at most 63 of {@code [A-Za-z0-9._-]}, alphanumeric at both ends. */
  static String labelValue(String text) {
    String cleaned = text.replaceAll("[^A-Za-z0-9._-]", "_");
    if (cleaned.length() > MAX_NAME) {
      cleaned = cleaned.substring(0, MAX_NAME);
    }
    return cleaned.replaceAll("^[^A-Za-z0-9]+", "").replaceAll("[^A-Za-z0-9]+$", "");
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
