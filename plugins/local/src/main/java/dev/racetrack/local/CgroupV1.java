package dev.racetrack.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * cgroup v1: the job gets a directory under {@code cpuRoot} and {@code pidsRoot}, and under {@code
 * memoryRoot} where the memory controller is writable.
 */
record CgroupV1(Path cpuRoot, Path pidsRoot, Optional<Path> memoryRoot) implements CgroupHierarchy {
  static final long CPU_PERIOD_MICROS = 100_000;

  @Override
  public List<Path> prepare(String resourceName, Limits limits) throws IOException {
    Path cpu = Files.createDirectories(cpuRoot.resolve(resourceName));
    Path pids = Files.createDirectories(pidsRoot.resolve(resourceName));
    CgroupHierarchy.write(cpu.resolve("cpu.cfs_period_us"), Long.toString(CPU_PERIOD_MICROS));
    CgroupHierarchy.write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(limits.cpuQuotaMicros()));
    CgroupHierarchy.write(pids.resolve("pids.max"), Integer.toString(limits.maxProcesses()));
    List<Path> procs =
        new ArrayList<>(List.of(cpu.resolve("cgroup.procs"), pids.resolve("cgroup.procs")));
    if (memoryRoot.isPresent()) {
      Path memory = Files.createDirectories(memoryRoot.get().resolve(resourceName));
      writeMemoryLimit(memory, limits.memoryBytes());
      procs.add(memory.resolve("cgroup.procs"));
    }
    return procs;
  }

  /**
   * Sets memory and memory+swap to the same limit (no swap beyond it). The kernel keeps memsw at or
   * above the memory limit, so memsw is lifted first and lowered last.
   */
  private static void writeMemoryLimit(Path memory, long bytes) throws IOException {
    Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
    boolean swapAccounted = Files.exists(memsw);
    if (swapAccounted) {
      CgroupHierarchy.write(memsw, "-1");
    }
    CgroupHierarchy.write(memory.resolve("memory.limit_in_bytes"), Long.toString(bytes));
    if (swapAccounted) {
      CgroupHierarchy.write(memsw, Long.toString(bytes));
    }
  }

  @Override
  public List<Path> dirs(String resourceName) {
    List<Path> dirs =
        new ArrayList<>(List.of(cpuRoot.resolve(resourceName), pidsRoot.resolve(resourceName)));
    memoryRoot.ifPresent(m -> dirs.add(m.resolve(resourceName)));
    return dirs;
  }

  @Override
  public boolean limitsMemory() {
    return memoryRoot.isPresent();
  }

  @Override
  public long oomKills(String resourceName) {
    return memoryRoot
        .map(
            m ->
                CgroupHierarchy.counter(
                    m.resolve(resourceName).resolve("memory.oom_control"), "oom_kill"))
        .orElse(0L);
  }

  @Override
  public String describe() {
    return "cgroup v1: CPU quota from resources.cpu_max ("
        + cpuRoot
        + "/<job>), a cap on processes and threads ("
        + pidsRoot
        + "/<job>), "
        + memoryRoot
            .map(m -> "memory (and memory+swap) limit from resources.memory_max (" + m + "/<job>)")
            .orElse("no memory controller: resources.memory_max only as RLIMIT_DATA");
  }
}
