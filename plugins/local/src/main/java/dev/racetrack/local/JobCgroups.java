package dev.racetrack.local;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.Quantity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-job cgroups (v1 {@code cpu} and {@code pids} controllers): every job version gets {@code
 * racetrack/<resourceName>} under the platform's own cgroup in each controller, with a CPU quota
 * from {@code resources.cpu_max} and a cap on its processes and threads. A job joins them before
 * its first instruction (see {@link #joinCommand}); restarts reuse them; deleting the job removes
 * them.
 */
final class JobCgroups {
  private static final Logger LOG = LoggerFactory.getLogger(JobCgroups.class);
  static final long CPU_PERIOD_MICROS = 100_000;

  /** The kernel's smallest CFS quota. */
  static final long MIN_CPU_QUOTA_MICROS = 1_000;

  /** The reference's {@code default_job_cpu_max}: one core. */
  static final String DEFAULT_CPU_MAX = "1000m";

  private static final Path MOUNT = Path.of("/sys/fs/cgroup");
  private static final Duration EMPTY_WAIT = Duration.ofSeconds(5);

  private final Path cpuRoot;
  private final Path pidsRoot;
  private final int maxProcesses;

  JobCgroups(Path cpuRoot, Path pidsRoot, int maxProcesses) {
    this.cpuRoot = cpuRoot;
    this.pidsRoot = pidsRoot;
    this.maxProcesses = maxProcesses;
  }

  /**
   * Per-job cgroups under this process's own v1 {@code cpu} and {@code pids} cgroups, when both are
   * mounted and writable; empty otherwise.
   */
  static Optional<JobCgroups> detect(int maxProcesses, String scope) {
    try {
      List<String> own = Files.readAllLines(Path.of("/proc/self/cgroup"));
      Optional<Path> cpu = ownDir(own, "cpu");
      Optional<Path> pids = ownDir(own, "pids");
      if (cpu.isEmpty() || pids.isEmpty()) {
        return Optional.empty();
      }
      Path cpuRoot = Files.createDirectories(cpu.get().resolve("racetrack").resolve(scope));
      Path pidsRoot = Files.createDirectories(pids.get().resolve("racetrack").resolve(scope));
      return Optional.of(new JobCgroups(cpuRoot, pidsRoot, maxProcesses));
    } catch (IOException | RuntimeException e) {
      LOG.debug("no writable cgroup v1 cpu and pids controllers: {}", e.toString());
      return Optional.empty();
    }
  }

  /**
   * The cgroup directory (under {@code racetrack/}) of one local target: its name and a digest of
   * its data directory, so that two targets (two platforms on one machine, or {@code local} and a
   * second local target a job moves to) never share a job's cgroup, which a delete empties.
   */
  static String scope(String targetName, Path dataDir) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest(dataDir.toAbsolutePath().normalize().toString().getBytes(UTF_8));
      return targetName + "-" + HexFormat.of().formatHex(digest, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  /** The directory of this process's cgroup in a v1 controller, from /proc/self/cgroup lines. */
  static Optional<Path> ownDir(List<String> procSelfCgroup, String controller) {
    for (String line : procSelfCgroup) {
      String[] parts = line.split(":", 3);
      if (parts.length == 3 && List.of(parts[1].split(",")).contains(controller)) {
        Path dir = MOUNT.resolve(controller).resolve(parts[2].replaceFirst("^/+", ""));
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  /**
   * The CFS quota for a job per {@value #CPU_PERIOD_MICROS} µs period: {@code resources.cpu_max}
   * cores (default one core) times the period, rounded up, at least the kernel's minimum.
   */
  static long cpuQuotaMicros(Manifest manifest) {
    String cpuMax =
        Optional.ofNullable(manifest.resources())
            .map(Manifest.Resources::cpuMax)
            .orElse(DEFAULT_CPU_MAX);
    return cpuQuotaMicros(cpuMax);
  }

  /** The CFS quota for {@code cpuMax} cores (a Kubernetes quantity such as {@code 500m}). */
  static long cpuQuotaMicros(String cpuMax) {
    BigDecimal cores = Quantity.parse(cpuMax, "resources.cpu_max").value();
    long quota =
        cores
            .multiply(BigDecimal.valueOf(CPU_PERIOD_MICROS))
            .setScale(0, RoundingMode.CEILING)
            .longValueExact();
    return Math.max(quota, MIN_CPU_QUOTA_MICROS);
  }

  /**
   * Creates (or updates) a job's cgroups and returns the command prefix that moves the process into
   * them and then executes the rest of the command: the shell writes its own pid into each {@code
   * cgroup.procs} before it execs, so the job's whole process tree is inside from its first
   * instruction.
   */
  List<String> joinCommand(String resourceName, long cpuQuotaMicros) {
    Path cpu = cpuRoot.resolve(resourceName);
    Path pids = pidsRoot.resolve(resourceName);
    try {
      Files.createDirectories(cpu);
      Files.createDirectories(pids);
      Files.writeString(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_MICROS));
      Files.writeString(cpu.resolve("cpu.cfs_quota_us"), Long.toString(cpuQuotaMicros));
      Files.writeString(pids.resolve("pids.max"), Integer.toString(maxProcesses));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot set up the cgroups of job " + resourceName + ": " + e.getMessage(), e);
    }
    List<String> command = new ArrayList<>();
    command.addAll(
        List.of(
            "/bin/sh",
            "-c",
            "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 126; shift; done; shift;"
                + " exec \"$@\"",
            "sh",
            cpu.resolve("cgroup.procs").toString(),
            pids.resolve("cgroup.procs").toString(),
            "--"));
    return command;
  }

  /**
   * Removes a job's cgroups once its processes are gone, killing any that are left (children that
   * left the job's session cannot outlive the job).
   */
  void remove(String resourceName) {
    for (Path dir : List.of(cpuRoot.resolve(resourceName), pidsRoot.resolve(resourceName))) {
      if (!Files.isDirectory(dir)) {
        continue;
      }
      long deadline = System.nanoTime() + EMPTY_WAIT.toNanos();
      while (true) {
        List<Long> left = members(dir);
        left.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        try {
          Files.delete(dir); // rmdir: fails while the cgroup still has members
          break;
        } catch (IOException e) {
          if (System.nanoTime() > deadline) {
            LOG.warn("cannot remove cgroup {}: {}", dir, e.toString());
            break;
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  private static List<Long> members(Path dir) {
    try {
      return Files.readAllLines(dir.resolve("cgroup.procs")).stream()
          .map(String::strip)
          .filter(s -> !s.isEmpty())
          .map(Long::parseLong)
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** What is enforced, for the start-up log. */
  String describe() {
    return "cgroup v1: CPU quota from resources.cpu_max ("
        + cpuRoot
        + "/<job>), at most "
        + maxProcesses
        + " processes and threads per job ("
        + pidsRoot
        + "/<job>)";
  }
}
