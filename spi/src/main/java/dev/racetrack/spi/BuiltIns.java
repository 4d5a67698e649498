package dev.racetrack.spi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.ValidationException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The job types and infrastructure targets whose code ships on the platform's class path. Each is
 * installed as a plugin bundle of its own ({@link BuiltInBundles}) that carries only its manifest
 * and the marker {@value #FILE} naming the provider:
 *
 * <pre>
 * job_type: python3              # a built-in job type (every version of that name), or
 * infrastructure_target: local   # a built-in infrastructure target
 * </pre>
 *
 * so that they are listed, replaced and uninstalled like third-party plugins while their Java code
 * stays where it is.
 *
 * @param jobTypes the built-in job types by name
 * @param infrastructures the built-in infrastructure plugins by target name
 */
public record BuiltIns(
    Map<String, List<JobType>> jobTypes, Map<String, InfrastructurePlugin> infrastructures) {
  /** The marker file of a built-in's bundle. */
  public static final String FILE = "built-in.yaml";

  private static final String JOB_TYPE = "job_type";
  private static final String TARGET = "infrastructure_target";

  public BuiltIns {
    Map<String, List<JobType>> copy = new TreeMap<>();
    jobTypes.forEach((name, list) -> copy.put(name, List.copyOf(list)));
    jobTypes = java.util.Collections.unmodifiableMap(copy);
    infrastructures = java.util.Collections.unmodifiableMap(new TreeMap<>(infrastructures));
  }

  /** No built-ins. */
  public static BuiltIns none() {
    return new BuiltIns(Map.of(), Map.of());
  }

  /** The given job types (grouped by name) and infrastructure plugins. */
  public static BuiltIns of(
      Collection<JobType> jobTypes, Collection<InfrastructurePlugin> infrastructures) {
    Map<String, List<JobType>> byName = new TreeMap<>();
    jobTypes.forEach(t -> byName.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(t));
    Map<String, InfrastructurePlugin> targets = new TreeMap<>();
    infrastructures.forEach(p -> targets.put(p.name(), p));
    return new BuiltIns(byName, targets);
  }

  /** One built-in as a bundle: its plugin name, category and marker text. */
  public record Bundle(String name, String category, String marker) {
    public Bundle {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(category, "category");
      Objects.requireNonNull(marker, "marker");
    }
  }

  /** One bundle per built-in job type name and per built-in target, named after it. */
  public List<Bundle> bundles() {
    List<Bundle> bundles = new ArrayList<>();
    jobTypes
        .keySet()
        .forEach(name -> bundles.add(new Bundle(name, "job-type", JOB_TYPE + ": " + name + "\n")));
    infrastructures
        .keySet()
        .forEach(
            name -> bundles.add(new Bundle(name, "infrastructure", TARGET + ": " + name + "\n")));
    return bundles;
  }

  /** What a marker enables. */
  record Provided(List<JobType> jobTypes, List<InfrastructurePlugin> infrastructures) {}

  /**
   * Resolves the marker of an extracted bundle.
   *
   * @throws ValidationException when it is malformed or names a provider this platform lacks
   */
  Provided resolve(PluginManifest manifest, Path dir) {
    JsonNode marker;
    try {
      marker = Json.yaml().readTree(dir.resolve(FILE).toFile());
    } catch (IOException e) {
      throw new ValidationException(FILE + " of plugin " + manifest.id() + " is not valid YAML", e);
    }
    String jobType = marker == null ? "" : marker.path(JOB_TYPE).asText("");
    String target = marker == null ? "" : marker.path(TARGET).asText("");
    if (jobType.isEmpty() == target.isEmpty()) {
      throw new ValidationException(
          FILE
              + " of plugin "
              + manifest.id()
              + " should name one built-in provider: "
              + JOB_TYPE
              + " or "
              + TARGET);
    }
    if (!jobType.isEmpty()) {
      List<JobType> types = jobTypes.get(jobType);
      if (types == null) {
        throw new ValidationException(
            "plugin "
                + manifest.id()
                + " enables the built-in job type '"
                + jobType
                + "', which this platform does not have (built in: "
                + jobTypes.keySet()
                + ")");
      }
      return new Provided(types, List.of());
    }
    InfrastructurePlugin plugin = infrastructures.get(target);
    if (plugin == null) {
      throw new ValidationException(
          "plugin "
              + manifest.id()
              + " enables the built-in infrastructure target '"
              + target
              + "', which this platform does not have (built in: "
              + infrastructures.keySet()
              + ")");
    }
    return new Provided(List.of(), List.of(plugin));
  }
}
