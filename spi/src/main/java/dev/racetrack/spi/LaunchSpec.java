package dev.racetrack.spi;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * How to start a locally built job: a command run in a working directory with some environment. The
 * placeholder {@value #ARTIFACT} in the command, the directory and env values stands for the
 * artifact directory's absolute path. Stored as {@code launch.json} next to the artifact.
 *
 * @param command program and arguments; the program is looked up on PATH when not absolute
 * @param workingDir directory relative to the artifact
 * @param env environment baked into the artifact (never secrets)
 * @param runtimePaths absolute directories outside the artifact the job reads at run time (its
 *     interpreter's install prefix, a JDK); the sandbox mounts them read-only. Missing in {@code
 *     launch.json} files written before it existed: empty.
 */
public record LaunchSpec(
    List<String> command, String workingDir, Map<String, String> env, List<String> runtimePaths) {
  public static final String ARTIFACT = "{artifact}";

  public LaunchSpec {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("launch command must not be empty");
    }
    Objects.requireNonNull(workingDir, "workingDir");
    env = Map.copyOf(env);
    runtimePaths = runtimePaths == null ? List.of() : List.copyOf(runtimePaths);
  }

  /** A spec needing nothing outside its artifact and the system directories. */
  public LaunchSpec(List<String> command, String workingDir, Map<String, String> env) {
    this(command, workingDir, env, List.of());
  }

  /** This spec with {@value #ARTIFACT} replaced by {@code artifactDir}. */
  public LaunchSpec resolve(String artifactDir) {
    return new LaunchSpec(
        command.stream().map(s -> s.replace(ARTIFACT, artifactDir)).toList(),
        workingDir.replace(ARTIFACT, artifactDir),
        env.entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey, e -> e.getValue().replace(ARTIFACT, artifactDir))),
        runtimePaths);
  }
}
