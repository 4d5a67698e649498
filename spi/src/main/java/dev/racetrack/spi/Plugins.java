package dev.racetrack.spi;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.version.JobTypeVersions;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/** The job types and infrastructure plugins installed on the class path. */
public final class Plugins {
  private final Map<String, JobType> jobTypes;
  private final Map<String, InfrastructurePlugin> infrastructures;

  public Plugins(List<JobType> jobTypes, List<InfrastructurePlugin> infrastructures) {
    this.jobTypes = index(jobTypes, JobType::key, "job type");
    this.infrastructures =
        index(infrastructures, InfrastructurePlugin::name, "infrastructure target");
  }

  /** Plugins found with {@link ServiceLoader} on the class path. */
  public static Plugins discover() {
    ClassLoader loader = Plugins.class.getClassLoader();
    return new Plugins(
        ServiceLoader.load(JobType.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList(),
        ServiceLoader.load(InfrastructurePlugin.class, loader).stream()
            .map(ServiceLoader.Provider::get)
            .toList());
  }

  private static <T> Map<String, T> index(List<T> items, Function<T, String> key, String what) {
    Map<String, List<T>> byKey =
        items.stream().collect(Collectors.groupingBy(key, TreeMap::new, Collectors.toList()));
    byKey.forEach(
        (k, list) -> {
          if (list.size() > 1) {
            throw new IllegalStateException("two plugins provide the " + what + " " + k);
          }
        });
    return byKey.entrySet().stream()
        .collect(
            Collectors.toMap(
                Map.Entry::getKey, e -> e.getValue().getFirst(), (a, b) -> a, TreeMap::new));
  }

  /** Installed job type keys {@code name:version}, sorted. */
  /** The installed job types, each version on its own. */
  public List<JobType> jobTypes() {
    return List.copyOf(jobTypes.values());
  }

  public List<String> jobTypeKeys() {
    return List.copyOf(jobTypes.keySet());
  }

  /**
   * The job type a manifest's {@code jobtype} selects ({@code latest} and wildcards allowed).
   *
   * @throws ValidationException when none matches
   */
  public JobType jobType(String requested) {
    return jobTypes.get(JobTypeVersions.resolve(requested, jobTypes.keySet()));
  }

  /** Installed infrastructure plugins by target name. */
  public Map<String, InfrastructurePlugin> infrastructures() {
    return infrastructures;
  }
}
