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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    @Nullable String infrastructureTarget,
    @Nullable Integer callTimeout) {

  /** Longest {@code call_timeout} a manifest may ask for, in seconds (a day). */
  public static final int MAX_CALL_TIMEOUT_SECONDS = 86_400;

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

  /** This manifest with other {@code resources} (the effective ones a target applies). */
  public Manifest withResources(Resources effective) {
    return new Manifest(
        name,
        ownerEmail,
        git,
        version,
        jobtype,
        imageType,
        systemDependencies,
        buildEnv,
        runtimeEnv,
        secretBuildEnvFile,
        secretRuntimeEnvFile,
        labels,
        publicEndpoints,
        replicas,
        Objects.requireNonNull(effective, "effective"),
        jobtypeExtra,
        infrastructureTarget,
        callTimeout);
  }

  /** Name of the job type, e.g. {@code python3} of {@code python3:latest}. */
  @JsonIgnore
  public String jobtypeName() {
    return jobtype.substring(0, jobtype.indexOf(':'));
  }

  /**
   * The name infrastructure targets give this job version's resources: {@code job-NAME-v-VERSION},
   * within {@code [a-z0-9-]} and different for different versions. The version's dots between
   * numbers become dashes ({@code 1.2.3} is {@code 1-2-3}, as always); anything after the numbers
   * is escaped so that {@code 1.0.0-x} ({@code 1-0-0-hx}) and {@code 1.0.0+x} ({@code 1-0-0-px})
   * never collide: {@code -h} for a dash, {@code -p} for a plus, {@code -d} for a dot, {@code -u}
   * before an upper-case letter, {@code -c} and six hex digits for anything else.
   */
  @JsonIgnore
  public String resourceName() {
    return resourceName(name, version);
  }

  /** See {@link #resourceName()}. */
  public static String resourceName(String name, String version) {
    Matcher numbers = LEADING_NUMBERS.matcher(version);
    String encoded =
        numbers.matches()
            ? numbers.group(1).replace('.', '-') + escape(numbers.group(2))
            : "x" + escape(version);
    String safeName = name.matches("[a-z0-9-]+") ? name : escape(name);
    return "job-" + safeName + "-v-" + encoded;
  }

  /** Dot-separated numbers, then nothing or a part starting with a dash or a plus. */
  private static final Pattern LEADING_NUMBERS =
      Pattern.compile("(\\d+(?:\\.\\d+)*)([-+].*)?", Pattern.DOTALL);

  /** A prefix-free escape into {@code [a-z0-9-]}; its output never contains {@code -v}. */
  private static String escape(@Nullable String text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    text.codePoints()
        .forEach(
            c -> {
              if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                out.appendCodePoint(c);
              } else if (c >= 'A' && c <= 'Z') {
                out.append("-u").appendCodePoint(Character.toLowerCase(c));
              } else {
                out.append(
                    switch (c) {
                      case '-' -> "-h";
                      case '+' -> "-p";
                      case '.' -> "-d";
                      default -> "-c" + String.format(Locale.ROOT, "%06x", c);
                    });
              }
            });
    return out.toString();
  }

  /**
   * The job's call timeout ({@code call_timeout}, in seconds): PUB answers 504 when a call takes
   * longer, and the wrappers stop waiting at the same limit. Empty when the manifest sets none (the
   * platform's default applies).
   */
  @JsonIgnore
  public Optional<java.time.Duration> callTimeoutDuration() {
    return callTimeout == null
        ? Optional.empty()
        : Optional.of(java.time.Duration.ofSeconds(callTimeout));
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
