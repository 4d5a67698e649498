package dev.racetrack.model.manifest;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.Json;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A validated job manifest ({@code job.yaml}, §12.1). Build one with {@link ManifestValidator}; the
 * canonical YAML of a manifest is {@link #toYaml()}.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Manifest(
    String name,
    String ownerEmail,
    Git git,
    String version,
    String jobtype,
    @Nullable String imageType,
    List<String> systemDependencies,
    Map<String, String> buildEnv,
    Map<String, String> runtimeEnv,
    @Nullable String secretBuildEnvFile,
    @Nullable String secretRuntimeEnvFile,
    Map<String, Object> labels,
    List<String> publicEndpoints,
    int replicas,
    @Nullable Resources resources,
    Map<String, Object> jobtypeExtra,
    @Nullable String infrastructureTarget) {

  public Manifest {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(ownerEmail, "ownerEmail");
    Objects.requireNonNull(git, "git");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(jobtype, "jobtype");
    systemDependencies = List.copyOf(systemDependencies);
    buildEnv = Map.copyOf(buildEnv);
    runtimeEnv = Map.copyOf(runtimeEnv);
    labels = Map.copyOf(labels);
    publicEndpoints = List.copyOf(publicEndpoints);
    jobtypeExtra = Map.copyOf(jobtypeExtra);
  }

  /** Where the job's source lives. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Git(String remote, @Nullable String branch, String directory) {
    public Git {
      Objects.requireNonNull(remote, "remote");
      directory = directory == null || directory.isBlank() ? "." : directory;
    }
  }

  /** Resource requests and limits as Kubernetes quantities. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Resources(
      @Nullable String memoryMin,
      @Nullable String memoryMax,
      @Nullable String cpuMin,
      @Nullable String cpuMax) {}

  /** Name of the job type, e.g. {@code python3} of {@code python3:latest}. */
  @JsonIgnore
  public String jobtypeName() {
    return jobtype.substring(0, jobtype.indexOf(':'));
  }

  /**
   * The name infrastructure targets give this job version's resources: {@code job-NAME-v-VERSION}
   * with dots and other characters outside {@code [a-z0-9-]} turned into dashes.
   */
  @JsonIgnore
  public String resourceName() {
    return resourceName(name, version);
  }

  /** See {@link #resourceName()}. */
  public static String resourceName(String name, String version) {
    return ("job-" + name + "-v-" + version).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
  }

  /** A string value of {@code jobtype_extra}, if present. */
  public Optional<String> jobtypeExtraString(String key) {
    Object value = jobtypeExtra.get(key);
    return value == null ? Optional.empty() : Optional.of(value.toString());
  }

  /** The manifest as a JSON-like map (snake_case keys). */
  public Map<String, Object> toMap() {
    return Json.mapper().convertValue(this, new TypeReference<Map<String, Object>>() {});
  }

  /** The canonical YAML of this manifest. */
  public String toYaml() {
    try {
      return Json.yaml().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
