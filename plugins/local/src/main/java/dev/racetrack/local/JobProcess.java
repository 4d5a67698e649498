package dev.racetrack.local;

import dev.racetrack.spi.ArtifactStore;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.Sandbox;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Starting and stopping job processes. A job runs in the sandbox, which sees only its artifact
 * (writable), the directories its launch spec names (read-only) and the system directories; it gets
 * its own session ({@code setsid}), so a Ctrl-C in the platform's terminal or the platform's death
 * leaves it running (the tracked process is the sandbox's, whose descendants are the job); its
 * output goes straight to its log file; it sees only an allow-list of the platform's environment
 * (never the platform's own secrets).
 */
final class JobProcess {
  private static final Path SETSID = Path.of("/usr/bin/setsid");
  private static final Path PRLIMIT = Path.of("/usr/bin/prlimit");
  private static final Duration STOP_GRACE = Duration.ofSeconds(5);

  private final Map<String, String> inherited;
  private final Sandbox sandbox;

  /**
   * @param platformEnv the platform's environment
   * @param passEnv names of its variables jobs inherit (PATH, HOME, ...); nothing else passes
   * @param sandbox confines every job process
   */
  JobProcess(Map<String, String> platformEnv, List<String> passEnv, Sandbox sandbox) {
    this.sandbox = sandbox;
    Map<String, String> allowed = new HashMap<>();
    passEnv.forEach(
        name -> Optional.ofNullable(platformEnv.get(name)).ifPresent(v -> allowed.put(name, v)));
    this.inherited = Map.copyOf(allowed);
  }

  static boolean canDetach() {
    return Files.isExecutable(SETSID);
  }

  static boolean canLimit() {
    return Files.isExecutable(PRLIMIT);
  }

  /**
   * Starts a process for a launch spec resolved against its artifact directory.
   *
   * @param memoryLimitBytes the job's memory limit, enforced as its data size limit ({@code
   *     RLIMIT_DATA}: heap and other private writable memory); 0 for none
   * @param prefix runs first and execs the rest (joining the job's cgroups); empty for none
   * @throws dev.racetrack.spi.SandboxException when the sandbox cannot confine it
   */
  ProcessHandle start(
      LaunchSpec spec,
      Path artifactDir,
      Map<String, String> jobEnv,
      Path logFile,
      long memoryLimitBytes,
      List<String> prefix) {
    LaunchSpec resolved = spec.resolve(artifactDir.toString());
    Map<String, String> env = new HashMap<>(inherited);
    env.putAll(resolved.env());
    env.putAll(jobEnv);
    List<Path> readOnly = new ArrayList<>();
    resolved.runtimePaths().stream().map(Path::of).forEach(readOnly::add);
    Path launchFile = ArtifactStore.launchFile(artifactDir);
    if (Files.exists(launchFile)) {
      readOnly.add(launchFile); // the job cannot change how the platform restarts it
    }
    ProcessBuilder builder =
        sandbox.processBuilder(
            new Sandbox.Spec(
                resolved.command(),
                artifactDir.resolve(resolved.workingDir()),
                env,
                List.of(artifactDir),
                readOnly,
                false));
    List<String> command = new ArrayList<>(prefix);
    if (canDetach()) {
      command.add(SETSID.toString());
    }
    if (memoryLimitBytes > 0 && canLimit()) {
      command.addAll(
          List.of(PRLIMIT.toString(), "--data=" + memoryLimitBytes + ":" + memoryLimitBytes, "--"));
    }
    command.addAll(builder.command());
    builder.command(command);
    builder.redirectErrorStream(true);
    builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    try {
      Files.createDirectories(logFile.getParent());
      return sandbox.handleOf(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start " + builder.command() + ": " + e.getMessage(), e);
    }
  }

  /** Stops a process and its children: SIGTERM, then SIGKILL after a grace period. */
  static void stop(ProcessHandle process) {
    if (!process.isAlive()) {
      return;
    }
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    children.forEach(ProcessHandle::destroy);
    try {
      process.onExit().get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      process.destroyForcibly();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
  }

  /** A running process with this pid that started at {@code start}, if it still exists. */
  static Optional<ProcessHandle> find(long pid, String start) {
    if (pid <= 0) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> startOf(p).equals(start));
  }

  static String startOf(ProcessHandle process) {
    return process.info().startInstant().map(Object::toString).orElse("");
  }
}
