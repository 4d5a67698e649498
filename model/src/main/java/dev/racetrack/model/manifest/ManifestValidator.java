package dev.racetrack.model.manifest;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.version.SemVer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Validates a raw manifest (parsed YAML or JSON) into a {@link Manifest}: required fields, types,
 * defaults, the explicit name rule, SemVer, Kubernetes quantities, and unknown keys. The CLI and
 * the server use this same class.
 */
public final class ManifestValidator {

  /** Keys allowed at the top level of a manifest, deprecated ones included. */
  public static final List<String> KEYS =
      List.of(
          "name",
          "owner_email",
          "git",
          "version",
          "jobtype",
          "extends",
          "image_type",
          "system_dependencies",
          "build_env",
          "runtime_env",
          "secret_build_env_file",
          "secret_runtime_env_file",
          "labels",
          "public_endpoints",
          "replicas",
          "resources",
          "jobtype_extra",
          "infrastructure_target",
          "call_timeout",
          "lang",
          "golang",
          "python",
          "docker",
          "wrapper_properties");

  private static final List<String> DEPRECATED_EXTRA_KEYS =
      List.of("golang", "python", "docker", "wrapper_properties");
  private static final List<String> GIT_KEYS = List.of("remote", "branch", "directory");
  private static final List<String> RESOURCE_KEYS =
      List.of("memory_min", "memory_max", "cpu_min", "cpu_max");
  private static final Pattern NAME = Pattern.compile("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$");
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");
  private static final Pattern ENV_NAME = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");
  private static final int MAX_NAME_LENGTH = 63;
  private static final int MAX_REPLICAS = 50;
  public static final String DEFAULT_VERSION = "0.0.1";

  private final Set<String> allowedGitSchemes;
  private final Optional<ResourcePolicy> resourcePolicy;

  /** A validator that accepts only {@code https://} git remotes. */
  public ManifestValidator() {
    this(Set.of("https"));
  }

  /**
   * @param allowedGitSchemes URL schemes accepted for {@code git.remote}, e.g. {@code https}; a
   *     server may add {@code file} or {@code http} for local development.
   */
  public ManifestValidator(Set<String> allowedGitSchemes) {
    this(allowedGitSchemes, Optional.empty());
  }

  private ManifestValidator(Set<String> allowedGitSchemes, Optional<ResourcePolicy> policy) {
    if (allowedGitSchemes.isEmpty()) {
      throw new IllegalArgumentException("at least one git scheme must be allowed");
    }
    this.allowedGitSchemes = Set.copyOf(allowedGitSchemes);
    this.resourcePolicy = policy;
  }

  /**
   * This validator, also refusing {@code resources} the platform's policy does not allow (e.g. a
   * {@code memory_max} above its ceiling). Without a policy (the CLI, which does not know the
   * platform's) only the manifest's own consistency is checked.
   */
  public ManifestValidator withResourcePolicy(ResourcePolicy policy) {
    return new ManifestValidator(allowedGitSchemes, Optional.of(policy));
  }

  /**
   * Validates {@code raw}.
   *
   * @param source names the manifest in error messages (a file path, or "request")
   * @throws ValidationException listing every problem found
   */
  public ValidatedManifest validate(Map<String, ?> raw, String source) {
    ManifestProblems problems = new ManifestProblems(source);
    List<String> warnings = new ArrayList<>();
    problems.rejectUnknownKeys(raw, KEYS, "");

    String name = problems.requiredString(raw, "name", "name");
    if (!name.isEmpty()) {
      checkName(name, problems);
    }
    String owner = problems.requiredString(raw, "owner_email", "owner_email");
    if (!owner.isEmpty() && !EMAIL.matcher(owner).matches()) {
      problems.add("owner_email", "'" + owner + "' is not an email address");
    }
    Manifest.Git git = git(raw, problems);
    String version = problems.string(raw, "version", "version").orElse(DEFAULT_VERSION);
    if (!SemVer.isValid(version)) {
      problems.add(
          "version",
          "'" + version + "' is not a valid SemVer 2.0 version (MAJOR.MINOR.PATCH, e.g. 1.2.3)");
    }
    String jobtype = jobtype(raw, problems, warnings);
    String imageType = problems.string(raw, "image_type", "image_type").orElse("docker");
    if (!"docker".equals(imageType)) {
      problems.add("image_type", "only 'docker' is supported, got '" + imageType + "'");
    }
    Map<String, String> buildEnv = env(raw, "build_env", problems);
    Map<String, String> runtimeEnv = env(raw, "runtime_env", problems);
    List<String> endpoints = publicEndpoints(raw, problems);
    int replicas = replicas(raw, problems);
    Manifest.Resources resources = resources(raw, problems);
    checkPolicy(resources, problems);
    Map<String, Object> extra = jobtypeExtra(raw, problems, warnings);
    Integer callTimeout = callTimeout(raw, problems);
    problems.throwIfAny();

    Manifest manifest =
        new Manifest(
            name,
            owner,
            git,
            version,
            jobtype,
            imageType,
            problems.stringList(raw, "system_dependencies", "system_dependencies"),
            buildEnv,
            runtimeEnv,
            problems.string(raw, "secret_build_env_file", "secret_build_env_file").orElse(null),
            problems.string(raw, "secret_runtime_env_file", "secret_runtime_env_file").orElse(null),
            problems.map(raw, "labels", "labels"),
            endpoints,
            replicas,
            resources,
            extra,
            problems.string(raw, "infrastructure_target", "infrastructure_target").orElse(null),
            callTimeout);
    problems.throwIfAny();
    return new ValidatedManifest(manifest, warnings);
  }

  private static void checkName(String name, ManifestProblems problems) {
    if (name.length() > MAX_NAME_LENGTH) {
      problems.add("name", "'" + name + "' is longer than " + MAX_NAME_LENGTH + " characters");
    } else if (!NAME.matcher(name).matches()) {
      problems.add(
          "name",
          "'"
              + name
              + "' must consist of lower case letters, digits and '-', and start and end with a"
              + " letter or digit (no underscores or dots)");
    }
  }

  private Manifest.Git git(Map<String, ?> raw, ManifestProblems problems) {
    if (!raw.containsKey("git")) {
      problems.add("git", "is required (git.remote: https://... of the job's repository)");
      return new Manifest.Git("", null, ".");
    }
    Map<String, Object> git = problems.map(raw, "git", "git");
    problems.rejectUnknownKeys(git, GIT_KEYS, "git");
    String remote = problems.requiredString(git, "remote", "git.remote");
    if (!remote.isEmpty()
        && allowedGitSchemes.stream().noneMatch(s -> remote.startsWith(s + "://"))) {
      problems.add(
          "git.remote",
          "'"
              + remote
              + "' must start with "
              + allowedGitSchemes.stream().sorted().map(s -> s + "://").toList()
              + " (SSH remotes are not supported)");
    }
    String directory = problems.string(git, "directory", "git.directory").orElse(".");
    if (directory.startsWith("/") || List.of(directory.split("[/\\\\]")).contains("..")) {
      problems.add(
          "git.directory", "'" + directory + "' must be a relative path inside the repository");
    }
    return new Manifest.Git(
        remote, problems.string(git, "branch", "git.branch").orElse(null), directory);
  }

  private static String jobtype(
      Map<String, ?> raw, ManifestProblems problems, List<String> warnings) {
    Optional<String> jobtype = problems.string(raw, "jobtype", "jobtype");
    Optional<String> lang = problems.string(raw, "lang", "lang");
    if (jobtype.isPresent() && lang.isPresent()) {
      problems.add("jobtype", "give either 'jobtype' or the deprecated 'lang', not both");
      return "";
    }
    if (lang.isPresent()) {
      warnings.add("manifest key 'lang' is deprecated, use 'jobtype' instead");
    }
    String value = jobtype.or(() -> lang).orElse("");
    if (value.isEmpty()) {
      problems.add("jobtype", "is required, e.g. 'python3:latest'");
    } else if (value.indexOf(':') <= 0 || value.endsWith(":")) {
      problems.add("jobtype", "'" + value + "' must be given as name:version, e.g. python3:latest");
    }
    return value;
  }

  private static Map<String, String> env(
      Map<String, ?> raw, String key, ManifestProblems problems) {
    Map<String, String> env = problems.stringMap(raw, key, key);
    env.keySet().stream()
        .filter(name -> !ENV_NAME.matcher(name).matches())
        .forEach(
            name -> problems.add(key + "." + name, "is not a valid environment variable name"));
    return env;
  }

  private static List<String> publicEndpoints(Map<String, ?> raw, ManifestProblems problems) {
    List<String> endpoints = new ArrayList<>();
    for (String endpoint : problems.stringList(raw, "public_endpoints", "public_endpoints")) {
      String normalized = endpoint.startsWith("/") ? endpoint : "/" + endpoint;
      if (normalized.contains("..") || normalized.contains("?") || normalized.contains("#")) {
        problems.add("public_endpoints", "'" + endpoint + "' is not a plain path");
      } else {
        endpoints.add(normalized);
      }
    }
    return endpoints;
  }

  private static int replicas(Map<String, ?> raw, ManifestProblems problems) {
    Object value = raw.get("replicas");
    if (value == null) {
      return 1;
    }
    if (!(value instanceof Integer number) || number < 1 || number > MAX_REPLICAS) {
      problems.add(
          "replicas",
          "must be a whole number from 1 to "
              + MAX_REPLICAS
              + ", got "
              + ManifestProblems.describe(value));
      return 1;
    }
    return number;
  }

  /**
   * {@code call_timeout}: whole seconds, or a number with the unit {@code s}, {@code m} or {@code
   * h} ({@code 90}, {@code "90s"}, {@code "5m"}, {@code "2h"}); kept as seconds.
   */
  private static Integer callTimeout(Map<String, ?> raw, ManifestProblems problems) {
    Object value = raw.get("call_timeout");
    if (value == null) {
      return null;
    }
    long seconds = -1;
    if (value instanceof Integer number) {
      seconds = number;
    } else if (value instanceof String text) {
      Matcher m = DURATION.matcher(text.trim());
      if (m.matches()) {
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        seconds =
            switch (unit) {
              case "m" -> amount * 60;
              case "h" -> amount * 3600;
              default -> amount;
            };
      }
    }
    if (seconds < 1 || seconds > Manifest.MAX_CALL_TIMEOUT_SECONDS) {
      problems.add(
          "call_timeout",
          "must be from 1 second to 24 hours, as whole seconds or with a unit (90, \"90s\","
              + " \"5m\", \"2h\"), got "
              + ManifestProblems.describe(value));
      return null;
    }
    return (int) seconds;
  }

  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*([smh])?");

  private static Manifest.Resources resources(Map<String, ?> raw, ManifestProblems problems) {
    if (!raw.containsKey("resources")) {
      return null;
    }
    Map<String, Object> resources = problems.map(raw, "resources", "resources");
    problems.rejectUnknownKeys(resources, RESOURCE_KEYS, "resources");
    Map<String, Quantity> parsed = new LinkedHashMap<>();
    for (String key : RESOURCE_KEYS) {
      problems
          .string(resources, key, "resources." + key)
          .ifPresent(
              text -> {
                try {
                  parsed.put(key, Quantity.parse(text, "resources." + key));
                } catch (ValidationException e) {
                  problems.add(
                      "resources." + key,
                      e.getMessage().substring(e.getMessage().indexOf(':') + 2));
                }
              });
    }
    parsed.forEach(
        (key, quantity) -> {
          if (quantity.value().signum() <= 0) {
            problems.add("resources." + key, "must be greater than zero");
          }
        });
    checkOrder(parsed, "memory_min", "memory_max", problems);
    checkOrder(parsed, "cpu_min", "cpu_max", problems);
    return new Manifest.Resources(
        text(parsed, "memory_min"),
        text(parsed, "memory_max"),
        text(parsed, "cpu_min"),
        text(parsed, "cpu_max"));
  }

  private void checkPolicy(Manifest.@Nullable Resources resources, ManifestProblems problems) {
    if (resourcePolicy.isEmpty() || problems.any()) {
      return;
    }
    try {
      resourcePolicy.get().effective(resources);
    } catch (ValidationException e) {
      String message = e.getMessage();
      int colon = message.indexOf(": ");
      problems.add(message.substring(0, colon), message.substring(colon + 2));
    }
  }

  private static void checkOrder(
      Map<String, Quantity> parsed, String min, String max, ManifestProblems problems) {
    if (parsed.containsKey(min)
        && parsed.containsKey(max)
        && parsed.get(min).compareTo(parsed.get(max)) > 0) {
      problems.add("resources." + min, "must not be greater than resources." + max);
    }
  }

  private static String text(Map<String, Quantity> parsed, String key) {
    Quantity q = parsed.get(key);
    return q == null ? null : q.text();
  }

  private static Map<String, Object> jobtypeExtra(
      Map<String, ?> raw, ManifestProblems problems, List<String> warnings) {
    Map<String, Object> extra =
        new LinkedHashMap<>(problems.map(raw, "jobtype_extra", "jobtype_extra"));
    for (String key : DEPRECATED_EXTRA_KEYS) {
      if (!raw.containsKey(key)) {
        continue;
      }
      if (raw.containsKey("jobtype_extra")) {
        problems.add(key, "is deprecated and cannot be combined with 'jobtype_extra'");
        continue;
      }
      warnings.add("manifest key '" + key + "' is deprecated, use 'jobtype_extra' instead");
      extra.putAll(problems.map(raw, key, key));
    }
    return extra;
  }
}
