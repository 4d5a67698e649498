package dev.racetrack.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a job's cgroups live and how its limits are written: cgroup v1 (one directory per
 * controller) or v2 (the unified hierarchy, one directory with every controller).
 */
sealed interface CgroupHierarchy permits CgroupV1, CgroupV2 {

  /** What a job's cgroups enforce. */
  record Limits(long cpuQuotaMicros, long memoryBytes, int maxProcesses) {}

  /**
   * Creates (or updates) the job's cgroup directories with its limits and returns the {@code
   * cgroup.procs} files a process writes its pid into to join them.
   */
  List<Path> prepare(String resourceName, Limits limits) throws IOException;

  /** The job's cgroup directories (which {@link JobCgroups#remove} empties and deletes). */
  List<Path> dirs(String resourceName);

  /** Whether the memory controller is there (else RLIMIT_DATA stands in for it). */
  boolean limitsMemory();

  /** How often the kernel's OOM killer killed a process of the job's cgroup; 0 when unknown. */
  long oomKills(String resourceName);

  /** What is enforced, for the start-up log. */
  String describe();

  /** Writes a control file (one write, as the kernel wants it). */
  static void write(Path file, String value) throws IOException {
    Files.writeString(file, value);
  }

  /** The number after {@code key} in a flat-keyed control file, such as {@code oom_kill 3}. */
  static long counter(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        String[] parts = line.strip().split("\\s+");
        if (parts.length == 2 && parts[0].equals(key)) {
          return Long.parseLong(parts[1]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      return 0;
    }
    return 0;
  }

  /** The directory of this process's cgroup, from /proc/self/cgroup, for a v1 controller. */
  static Optional<Path> ownV1Dir(Path mount, List<String> procSelfCgroup, String controller) {
    for (String line : procSelfCgroup) {
      String[] parts = line.split(":", 3);
      if (parts.length == 3 && List.of(parts[1].split(",")).contains(controller)) {
        Path dir = mount.resolve(controller).resolve(parts[2].replaceFirst("^/+", ""));
        return Files.isDirectory(dir) ? Optional.of(dir) : Optional.empty();
      }
    }
    return Optional.empty();
  }
}
