package dev.racetrack.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * cgroup v2 (the unified hierarchy): the job gets one directory under {@code root}, whose {@code
 * cgroup.subtree_control} enables the {@code cpu}, {@code memory} and {@code pids} controllers for
 * it (see {@link JobCgroups#detect}), with {@code cpu.max}, {@code memory.max} (no swap beyond it)
 * and {@code pids.max}.
 */
record CgroupV2(Path root) implements CgroupHierarchy {
  /** The controllers a job's cgroup needs, as {@code cgroup.subtree_control} enables them. */
  static final String CONTROLLERS = "+cpu +memory +pids";

  @Override
  public List<Path> prepare(String resourceName, Limits limits) throws IOException {
    Path dir = Files.createDirectories(root.resolve(resourceName));
    CgroupHierarchy.write(
        dir.resolve("cpu.max"), limits.cpuQuotaMicros() + " " + CgroupV1.CPU_PERIOD_MICROS);
    CgroupHierarchy.write(dir.resolve("memory.max"), Long.toString(limits.memoryBytes()));
    Path swap = dir.resolve("memory.swap.max");
    if (Files.exists(swap)) { // absent where swap is not accounted
      CgroupHierarchy.write(swap, "0");
    }
    CgroupHierarchy.write(dir.resolve("pids.max"), Integer.toString(limits.maxProcesses()));
    return List.of(dir.resolve("cgroup.procs"));
  }

  @Override
  public List<Path> dirs(String resourceName) {
    return List.of(root.resolve(resourceName));
  }

  @Override
  public boolean limitsMemory() {
    return true;
  }

  @Override
  public long oomKills(String resourceName) {
    return CgroupHierarchy.counter(root.resolve(resourceName).resolve("memory.events"), "oom_kill");
  }

  @Override
  public String describe() {
    return "cgroup v2: cpu.max from resources.cpu_max, memory.max from resources.memory_max (no"
        + " swap beyond it), pids.max ("
        + root
        + "/<job>)";
  }
}
