package dev.racetrack.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The build arguments a declarative job type declares in {@code job-type.yaml} ({@code
 * build_args}), passed to the engine build as {@code --build-arg} (its Dockerfiles read them with
 * {@code ARG NAME}, e.g. {@code FROM ${BASE_IMAGE}}). Each is filled by the platform ({@code
 * platform: <value>}, one of {@link #PLATFORM_VALUES}), or from the job's {@code jobtype_extra}
 * ({@code jobtype_extra: <key>}), else its {@code default}; one with neither a value in the job nor
 * a default refuses the deployment.
 */
public record JobTypeBuildArgs(List<JobTypeBuildArgs.BuildArg> args) {

  /** The values the platform fills a build argument with. */
  public static final Set<String> PLATFORM_VALUES =
      Set.of(
          "job_type_version",
          "git_version",
          "deployed_by_racetrack_version",
          "resource_name",
          "job_name",
          "job_version");

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}");
  private static final Set<String> FIELDS = Set.of("name", "platform", "jobtype_extra", "default");

  /** One declared argument. */
  public record BuildArg(
      String name,
      Optional<String> platform,
      Optional<String> jobtypeExtra,
      Optional<String> defaultValue) {
    public BuildArg {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(platform, "platform");
      Objects.requireNonNull(jobtypeExtra, "jobtypeExtra");
      Objects.requireNonNull(defaultValue, "defaultValue");
    }
  }

  public JobTypeBuildArgs {
    args = List.copyOf(args);
  }

  /** Parses {@code build_args} (absent: none), naming the plugin in every error. */
  static JobTypeBuildArgs parse(PluginManifest manifest, JsonNode list) {
    String where = PluginBundle.JOB_TYPE_FILE + " of plugin " + manifest.id() + ": build_args";
    if (list.isMissingNode() || list.isNull()) {
      return new JobTypeBuildArgs(List.of());
    }
    if (!list.isArray()) {
      throw new ValidationException(where + " should be a list");
    }
    List<BuildArg> args = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (JsonNode arg : list) {
      for (Iterator<String> it = arg.fieldNames(); it.hasNext(); ) {
        String field = it.next();
        if (!FIELDS.contains(field)) {
          throw new ValidationException(
              where + ": unknown field '" + field + "' (allowed: " + new TreeSet<>(FIELDS) + ")");
        }
      }
      String name = arg.path("name").asText("");
      if (!NAME.matcher(name).matches() || !names.add(name)) {
        throw new ValidationException(
            where
                + ": name should be a unique identifier (letters, digits, _), got '"
                + name
                + "'");
      }
      BuildArg parsed =
          new BuildArg(
              name,
              text(where, arg, "platform"),
              text(where, arg, "jobtype_extra"),
              text(where, arg, "default"));
      check(where, parsed);
      args.add(parsed);
    }
    return new JobTypeBuildArgs(args);
  }

  private static void check(String where, BuildArg arg) {
    if (arg.platform().isPresent()) {
      if (!PLATFORM_VALUES.contains(arg.platform().get())) {
        throw new ValidationException(
            where
                + ": "
                + arg.name()
                + ": platform should be one of "
                + new TreeSet<>(PLATFORM_VALUES)
                + ", got '"
                + arg.platform().get()
                + "'");
      }
      if (arg.jobtypeExtra().isPresent() || arg.defaultValue().isPresent()) {
        throw new ValidationException(
            where + ": " + arg.name() + ": a platform value takes no jobtype_extra or default");
      }
    } else if (arg.jobtypeExtra().isEmpty() && arg.defaultValue().isEmpty()) {
      throw new ValidationException(
          where + ": " + arg.name() + ": give platform, jobtype_extra or default");
    }
  }

  private static Optional<String> text(String where, JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return Optional.empty();
    }
    if (!value.isValueNode()) {
      throw new ValidationException(where + ": " + field + " should be a text");
    }
    return Optional.of(value.asText());
  }

  /**
   * The values of a job's build, in declaration order.
   *
   * @param jobTypeKey for messages
   * @param jobTypeVersion the {@code job_type_version} platform value
   * @throws ValidationException naming the {@code jobtype_extra} key a required argument needs
   */
  Map<String, String> resolve(
      String jobTypeKey, String jobTypeVersion, Manifest manifest, TemplateJobType.Values values) {
    Map<String, String> platform = new LinkedHashMap<>();
    platform.put("job_type_version", jobTypeVersion);
    platform.put("git_version", values.gitVersion());
    platform.put("deployed_by_racetrack_version", values.racetrackVersion());
    platform.put("resource_name", Manifest.resourceName(manifest.name(), manifest.version()));
    platform.put("job_name", manifest.name());
    platform.put("job_version", manifest.version());
    Map<String, String> resolved = new LinkedHashMap<>();
    for (BuildArg arg : args) {
      resolved.put(
          arg.name(),
          arg.platform().isPresent()
              ? platform.get(arg.platform().get())
              : fromManifest(jobTypeKey, manifest, arg));
    }
    return resolved;
  }

  private static String fromManifest(String jobTypeKey, Manifest manifest, BuildArg arg) {
    Optional<Object> extra = arg.jobtypeExtra().map(k -> manifest.jobtypeExtra().get(k));
    if (extra.isPresent()) {
      Object value = extra.get();
      if (!(value instanceof String || value instanceof Number || value instanceof Boolean)) {
        throw new ValidationException(
            "jobtype_extra."
                + arg.jobtypeExtra().get()
                + " should be a text (build argument "
                + arg.name()
                + " of job type "
                + jobTypeKey
                + ")");
      }
      return value.toString();
    }
    return arg.defaultValue()
        .orElseThrow(
            () ->
                new ValidationException(
                    "job type "
                        + jobTypeKey
                        + " needs jobtype_extra."
                        + arg.jobtypeExtra().orElse("?")
                        + " (its build argument "
                        + arg.name()
                        + " has no default)"));
  }
}
