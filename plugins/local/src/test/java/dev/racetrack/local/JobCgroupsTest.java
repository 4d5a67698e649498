package dev.racetrack.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobCgroupsTest {

  @Test
  void cpuQuotaMicros_ofCores_isCoresTimesThePeriod() {
    assertThat(JobCgroups.cpuQuotaMicros("0.5")).isEqualTo(50_000);
    assertThat(JobCgroups.cpuQuotaMicros("500m")).isEqualTo(50_000);
    assertThat(JobCgroups.cpuQuotaMicros("1")).isEqualTo(100_000);
    assertThat(JobCgroups.cpuQuotaMicros("2500m")).isEqualTo(250_000);
  }

  @Test
  void cpuQuotaMicros_belowTheKernelMinimum_isTheMinimum() {
    assertThat(JobCgroups.cpuQuotaMicros("1m")).isEqualTo(1_000);
    assertThat(JobCgroups.cpuQuotaMicros("10m")).isEqualTo(1_000);
  }

  @Test
  void cpuQuotaMicros_ofAFraction_roundsUp() {
    assertThat(JobCgroups.cpuQuotaMicros("0.123456")).isEqualTo(12_346);
  }

  @Test
  void cpuQuotaMicros_withoutCpuMax_isOneCore() {
    assertThat(JobCgroups.cpuQuotaMicros(manifest(Map.of()))).isEqualTo(100_000);
    assertThat(JobCgroups.cpuQuotaMicros(manifest(Map.of("resources", Map.of("cpu_max", "0.5")))))
        .isEqualTo(50_000);
  }

  @Test
  void cpuQuotaMicros_ofGarbage_namesTheField() {
    assertThatThrownBy(() -> JobCgroups.cpuQuotaMicros("lots"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("resources.cpu_max");
  }

  @TempDir Path fs;

  private static final long MEMORY = 64L << 20;

  /** A fake unified (v2) hierarchy: the platform in {@code /system.slice/rt.service}. */
  private Path fakeV2(String ownControllers) throws IOException {
    Files.writeString(fs.resolve("cgroup.controllers"), "cpuset cpu io memory pids");
    Path own = Files.createDirectories(fs.resolve("system.slice/rt.service"));
    Files.writeString(own.resolve("cgroup.controllers"), ownControllers);
    return own;
  }

  @Test
  void detect_onCgroupV2_enablesTheControllersDownToTheScope_andWritesEveryLimitInOneDir()
      throws IOException {
    Path own = fakeV2("cpuset cpu io memory pids");

    JobCgroups cgroups =
        JobCgroups.detect(fs, List.of("0::/system.slice/rt.service"), 24, "local-abc")
            .orElseThrow();
    List<String> join = cgroups.joinCommand("job-v-1", 50_000, MEMORY);

    Path scope = own.resolve("racetrack/local-abc");
    for (Path level : List.of(own, own.resolve("racetrack"), scope)) {
      assertThat(level.resolve("cgroup.subtree_control")).hasContent("+cpu +memory +pids");
    }
    Path job = scope.resolve("job-v-1");
    assertThat(job.resolve("cpu.max")).hasContent("50000 100000");
    assertThat(job.resolve("memory.max")).hasContent(Long.toString(MEMORY));
    assertThat(job.resolve("pids.max")).hasContent("24");
    assertThat(join).containsSubsequence("sh", job.resolve("cgroup.procs").toString(), "--");
    assertThat(cgroups.limitsMemory()).isTrue();
  }

  @Test
  void detect_onCgroupV2_withSwapAccounting_allowsNoSwapBeyondTheLimit() throws IOException {
    Path own = fakeV2("cpu memory pids");
    JobCgroups cgroups =
        JobCgroups.detect(fs, List.of("0::/system.slice/rt.service"), 24, "s").orElseThrow();
    Path job = Files.createDirectories(own.resolve("racetrack/s/swapper"));
    Files.writeString(job.resolve("memory.swap.max"), "max"); // the kernel creates it

    cgroups.joinCommand("swapper", 100_000, MEMORY);

    assertThat(job.resolve("memory.swap.max")).hasContent("0");
  }

  @Test
  void detect_onCgroupV2_withoutTheMemoryController_isEmpty() throws IOException {
    fakeV2("cpu pids");

    assertThat(JobCgroups.detect(fs, List.of("0::/system.slice/rt.service"), 24, "s")).isEmpty();
  }

  @Test
  void oomKills_onCgroupV2_areReadFromMemoryEvents() throws IOException {
    Path own = fakeV2("cpu memory pids");
    JobCgroups cgroups =
        JobCgroups.detect(fs, List.of("0::/system.slice/rt.service"), 24, "s").orElseThrow();
    cgroups.joinCommand("hog", 100_000, MEMORY);
    Files.writeString(
        own.resolve("racetrack/s/hog/memory.events"),
        "low 0\nhigh 0\nmax 12\noom 2\noom_kill 2\noom_group_kill 0\n");

    assertThat(cgroups.oomKills("hog")).isEqualTo(2);
    assertThat(cgroups.oomKills("never-started")).isZero();
  }

  private static final List<String> V1_SELF =
      List.of("8:pids:/", "4:memory:/box", "1:cpu,cpuacct:/", "0::/");

  /** A fake v1 mount with cpu and pids, and memory when asked. */
  private void fakeV1(boolean memory) throws IOException {
    Files.createDirectories(fs.resolve("cpu"));
    Files.createDirectories(fs.resolve("pids"));
    if (memory) {
      Files.createDirectories(fs.resolve("memory/box"));
    }
  }

  @Test
  void detect_onCgroupV1_withTheMemoryController_limitsMemoryAndMemoryPlusSwap()
      throws IOException {
    fakeV1(true);
    JobCgroups cgroups = JobCgroups.detect(fs, V1_SELF, 24, "s").orElseThrow();
    Path memory = Files.createDirectories(fs.resolve("memory/box/racetrack/s/job-v-1"));
    Path memsw = memory.resolve("memory.memsw.limit_in_bytes");
    Files.writeString(memsw, "9223372036854771712"); // the kernel creates it with swap accounting

    List<String> join = cgroups.joinCommand("job-v-1", 50_000, MEMORY);

    assertThat(memory.resolve("memory.limit_in_bytes")).hasContent(Long.toString(MEMORY));
    assertThat(memsw).hasContent(Long.toString(MEMORY));
    assertThat(fs.resolve("cpu/racetrack/s/job-v-1/cpu.cfs_quota_us")).hasContent("50000");
    assertThat(fs.resolve("pids/racetrack/s/job-v-1/pids.max")).hasContent("24");
    assertThat(join)
        .contains(
            fs.resolve("cpu/racetrack/s/job-v-1/cgroup.procs").toString(),
            fs.resolve("pids/racetrack/s/job-v-1/cgroup.procs").toString(),
            memory.resolve("cgroup.procs").toString());
    assertThat(cgroups.limitsMemory()).isTrue();
    assertThat(cgroups.describe()).contains("memory");
  }

  @Test
  void oomKills_onCgroupV1_areReadFromOomControl() throws IOException {
    fakeV1(true);
    JobCgroups cgroups = JobCgroups.detect(fs, V1_SELF, 24, "s").orElseThrow();
    cgroups.joinCommand("hog", 100_000, MEMORY);
    Files.writeString(
        fs.resolve("memory/box/racetrack/s/hog/memory.oom_control"),
        "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n");

    assertThat(cgroups.oomKills("hog")).isEqualTo(1);
  }

  @Test
  void detect_onCgroupV1_withoutTheMemoryController_leavesMemoryToRlimitData() throws IOException {
    fakeV1(false);

    JobCgroups cgroups = JobCgroups.detect(fs, V1_SELF, 24, "s").orElseThrow();
    List<String> join = cgroups.joinCommand("job-v-1", 50_000, MEMORY);

    assertThat(cgroups.limitsMemory()).isFalse();
    assertThat(join).noneMatch(arg -> arg.contains("memory"));
    assertThat(cgroups.describe()).contains("RLIMIT_DATA");
  }

  private static Manifest manifest(Map<String, Object> extra) {
    Map<String, Object> raw = new HashMap<>(extra);
    raw.put("name", "cpu");
    raw.put("version", "1.0.0");
    raw.put("owner_email", "a@example.com");
    raw.put("jobtype", "python3:latest");
    raw.put("git", Map.of("remote", "https://example.com/x"));
    return new ManifestValidator().validate(raw, "job.yaml").manifest();
  }
}
