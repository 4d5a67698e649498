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
 * Per-job cgroups: every job version gets {@code racetrack/<scope>/<resourceName>} under the
 * platform's own cgroup, with a CPU quota from {@code resources.cpu_max}, a memory limit from
 * {@code resources.memory_max} and a cap on its processes and threads. cgroup v1 (the {@code cpu}
 * and {@code pids} controllers, and {@code memory} where writable) and v2 (the unified hierarchy)
 * are both handled ({@link CgroupHierarchy}). A job joins them before its first instruction (see
 * {@link #joinCommand}); restarts reuse them; deleting the job removes them.
 */
final class JobCgroups {
  private static final Logger LOG = LoggerFactory.getLogger(JobCgroups.class);
  static final long CPU_PERIOD_MICROS = CgroupV1.CPU_PERIOD_MICROS;

  /** The kernel's smallest CFS quota. */
  static final long MIN_CPU_QUOTA_MICROS = 1_000;

  /** The reference's {@code default_job_cpu_max}: one core. */
  static final String DEFAULT_CPU_MAX = "1000m";

  private static final Path MOUNT = Path.of("/sys/fs/cgroup");
  private static final Duration EMPTY_WAIT = Duration.ofSeconds(5);

  private final CgroupHierarchy hierarchy;
  private final int maxProcesses;

  JobCgroups(CgroupHierarchy hierarchy, int maxProcesses) {
    this.hierarchy = hierarchy;
    this.maxProcesses = maxProcesses;
  }

  /**
   * Per-job cgroups under this process's own cgroup, when the machine lets the platform manage them
   * (v2: the unified hierarchy with {@code cpu}, {@code memory} and {@code pids}; v1: writable
   * {@code cpu} and {@code pids} controllers, plus {@code memory} where writable); empty otherwise.
   */
  static Optional<JobCgroups> detect(int maxProcesses, String scope) {
    try {
      return detect(MOUNT, Files.readAllLines(Path.of("/proc/self/cgroup")), maxProcesses, scope);
    } catch (IOException | RuntimeException e) {
      LOG.debug("no manageable cgroups: {}", e.toString());
      return Optional.empty();
    }
  }

  /** {@link #detect(int, String)} on a given cgroup mount and /proc/self/cgroup (for tests). */
  static Optional<JobCgroups> detect(
      Path mount, List<String> procSelfCgroup, int maxProcesses, String scope) throws IOException {
    if (Files.exists(mount.resolve("cgroup.controllers"))) {
      return unified(mount, procSelfCgroup, scope).map(h -> new JobCgroups(h, maxProcesses));
    }
    Optional<Path> cpu = CgroupHierarchy.ownV1Dir(mount, procSelfCgroup, "cpu");
    Optional<Path> pids = CgroupHierarchy.ownV1Dir(mount, procSelfCgroup, "pids");
    if (cpu.isEmpty() || pids.isEmpty()) {
      return Optional.empty();
    }
    Optional<Path> memory =
        CgroupHierarchy.ownV1Dir(mount, procSelfCgroup, "memory")
            .flatMap(m -> writableScope(m, scope));
    return Optional.of(
        new JobCgroups(
            new CgroupV1(
                Files.createDirectories(cpu.get().resolve("racetrack").resolve(scope)),
                Files.createDirectories(pids.get().resolve("racetrack").resolve(scope)),
                memory),
            maxProcesses));
  }

  private static Optional<Path> writableScope(Path controllerDir, String scope) {
    try {
      return Optional.of(
          Files.createDirectories(controllerDir.resolve("racetrack").resolve(scope)));
    } catch (IOException e) {
      LOG.debug("cgroup v1 memory controller not writable: {}", e.toString());
      return Optional.empty();
    }
  }

  /**
   * The v2 hierarchy: {@code racetrack/<scope>} under this process's cgroup, each level's {@code
   * cgroup.subtree_control} enabling cpu, memory and pids for the level below. A cgroup with
   * processes cannot hand controllers down ("no internal processes"), so where enabling them in the
   * platform's own cgroup is refused, the platform first moves itself into a leaf {@code platform}
   * beside {@code racetrack}.
   */
  private static Optional<CgroupV2> unified(Path mount, List<String> procSelfCgroup, String scope)
      throws IOException {
    Optional<String> own =
        procSelfCgroup.stream()
            .filter(l -> l.startsWith("0::"))
            .map(l -> l.substring(3))
            .findFirst();
    if (own.isEmpty()) {
      return Optional.empty();
    }
    Path ownDir = mount.resolve(own.get().replaceFirst("^/+", ""));
    String available = Files.readString(ownDir.resolve("cgroup.controllers"));
    if (!List.of(available.strip().split("\\s+")).containsAll(List.of("cpu", "memory", "pids"))) {
      LOG.debug("cgroup v2 {} lacks cpu, memory or pids: {}", ownDir, available.strip());
      return Optional.empty();
    }
    try {
      CgroupHierarchy.write(ownDir.resolve("cgroup.subtree_control"), CgroupV2.CONTROLLERS);
    } catch (IOException busy) {
      Path leaf = Files.createDirectories(ownDir.resolve("platform"));
      CgroupHierarchy.write(
          leaf.resolve("cgroup.procs"), Long.toString(ProcessHandle.current().pid()));
      CgroupHierarchy.write(ownDir.resolve("cgroup.subtree_control"), CgroupV2.CONTROLLERS);
    }
    Path racetrack = Files.createDirectories(ownDir.resolve("racetrack"));
    CgroupHierarchy.write(racetrack.resolve("cgroup.subtree_control"), CgroupV2.CONTROLLERS);
    Path root = Files.createDirectories(racetrack.resolve(scope));
    CgroupHierarchy.write(root.resolve("cgroup.subtree_control"), CgroupV2.CONTROLLERS);
    return Optional.of(new CgroupV2(root));
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
  List<String> joinCommand(String resourceName, long cpuQuotaMicros, long memoryBytes) {
    List<Path> procs;
    try {
      procs =
          hierarchy.prepare(
              resourceName, new CgroupHierarchy.Limits(cpuQuotaMicros, memoryBytes, maxProcesses));
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
            "sh"));
    procs.forEach(p -> command.add(p.toString()));
    command.add("--");
    return command;
  }

  /**
   * Removes a job's cgroups once its processes are gone, killing any that are left (children that
   * left the job's session cannot outlive the job).
   */
  void remove(String resourceName) {
    for (Path dir : hierarchy.dirs(resourceName)) {
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

  /** Whether the memory limit is the cgroup's (else only RLIMIT_DATA applies). */
  boolean limitsMemory() {
    return hierarchy.limitsMemory();
  }

  /** How often the kernel's OOM killer killed a process of the job; 0 when unknown. */
  long oomKills(String resourceName) {
    return hierarchy.oomKills(resourceName);
  }

  /** What is enforced, for the start-up log. */
  String describe() {
    return hierarchy.describe() + "; at most " + maxProcesses + " processes and threads per job";
  }
}
