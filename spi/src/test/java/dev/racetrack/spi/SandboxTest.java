package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SandboxTest {
  private static final Optional<Path> BWRAP = Optional.of(Path.of("/usr/bin/bwrap"));

  @TempDir Path tmp;

  private Sandbox.Spec spec(Path workDir, List<Path> writable, List<Path> readOnly) {
    return new Sandbox.Spec(
        List.of("/usr/bin/python3", "job.py"),
        workDir,
        Map.of("JOB_NAME", "adder", "HOME", "/root"),
        writable,
        readOnly,
        false);
  }

  @Test
  void bubblewrap_jobInDataDir_bindsOwnDirWritableSystemReadOnlyAndNothingOfTheDataDir()
      throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));
    Path artifact = Files.createDirectories(data.resolve("artifacts/adder/1.0.0/t1"));
    Path prefix = Files.createDirectories(tmp.resolve("python-prefix"));

    List<String> command =
        new Bubblewrap(BWRAP, List.of(data))
            .processBuilder(spec(artifact.resolve("job"), List.of(artifact), List.of(prefix)))
            .command();

    assertThat(command.getFirst()).isEqualTo("/usr/bin/bwrap");
    assertThat(command)
        .containsSubsequence("--cap-drop", "ALL")
        .contains("--unshare-pid", "--unshare-ipc", "--new-session")
        .doesNotContain("--die-with-parent", "--share-net", "--setenv");
    assertThat(Collections.indexOfSubList(command, List.of("--ro-bind", "/usr", "/usr")))
        .isNotNegative();
    assertThat(Collections.indexOfSubList(command, List.of("--proc", "/proc"))).isNotNegative();
    assertThat(Collections.indexOfSubList(command, List.of("--ro-bind", "/proc/sys", "/proc/sys")))
        .isNotNegative();
    assertThat(Collections.indexOfSubList(command, List.of("--tmpfs", "/tmp"))).isNotNegative();
    assertThat(
            Collections.indexOfSubList(
                command, List.of("--bind", artifact.toString(), artifact.toString())))
        .isGreaterThan(command.indexOf("/tmp"));
    assertThat(
            Collections.indexOfSubList(
                command, List.of("--ro-bind", prefix.toString(), prefix.toString())))
        .isNotNegative();
    assertThat(command.subList(command.indexOf("--") + 1, command.size()))
        .containsExactly("/usr/bin/python3", "job.py");
    // no bind shows the data dir or one of its parents
    for (int i = 0; i < command.indexOf("--"); i++) {
      if (command.get(i).equals("--bind") || command.get(i).equals("--ro-bind")) {
        assertThat(data.startsWith(Path.of(command.get(i + 1))))
            .as("bind of %s", command.get(i + 1))
            .isFalse();
      }
    }
  }

  @Test
  void bubblewrap_readOnlyDirContainingDataDir_coversTheDataDirBeforeBindingTheJob()
      throws IOException {
    Path data = Files.createDirectories(tmp.resolve("home/.racetrack/data"));
    Path artifact = Files.createDirectories(data.resolve("artifacts/adder"));
    Path home = tmp.resolve("home");

    List<String> command =
        new Bubblewrap(BWRAP, List.of(data))
            .processBuilder(spec(artifact, List.of(artifact), List.of(home)))
            .command();

    int homeBind =
        Collections.indexOfSubList(command, List.of("--ro-bind", home.toString(), home.toString()));
    int cover = Collections.indexOfSubList(command, List.of("--tmpfs", data.toString()));
    int jobBind =
        Collections.indexOfSubList(
            command, List.of("--bind", artifact.toString(), artifact.toString()));
    assertThat(homeBind).isNotNegative();
    assertThat(cover).isGreaterThan(homeBind);
    assertThat(jobBind).isGreaterThan(cover);
  }

  @Test
  void bubblewrap_writableDirContainingDataDir_isRefused() throws IOException {
    Path data = Files.createDirectories(tmp.resolve("data"));

    assertThatThrownBy(
            () ->
                new Bubblewrap(BWRAP, List.of(data))
                    .processBuilder(spec(tmp, List.of(tmp), List.of())))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("refusing to make " + tmp + " writable");
  }

  @Test
  void bubblewrap_environment_isExactlyTheSpecsWithAPrivateHome() {
    ProcessBuilder builder =
        new Bubblewrap(BWRAP, List.of()).processBuilder(spec(tmp, List.of(tmp), List.of()));

    assertThat(builder.environment())
        .containsOnly(
            Map.entry("JOB_NAME", "adder"), Map.entry("HOME", "/tmp"), Map.entry("TMPDIR", "/tmp"));
    assertThat(builder.directory()).isEqualTo(tmp.toFile());
  }

  @Test
  void bubblewrap_buildStep_diesWithParent() {
    Sandbox.Spec step =
        new Sandbox.Spec(List.of("/bin/true"), tmp, Map.of(), List.of(tmp), List.of(), true);

    assertThat(new Bubblewrap(BWRAP, List.of()).processBuilder(step).command())
        .contains("--die-with-parent");
  }

  @Test
  void create_whenBwrapIsMissing_refusesEveryCommandNamingTheFix() {
    Sandbox sandbox = Sandbox.create(Sandbox.Mode.BWRAP, List.of(), program -> Optional.empty());

    assertThat(sandbox.describe()).contains("NOT INSTALLED", "apt-get install bubblewrap");
    assertThatThrownBy(() -> sandbox.processBuilder(spec(tmp, List.of(tmp), List.of())))
        .isInstanceOf(SandboxException.class)
        .hasMessageContaining("'bwrap' is not installed")
        .hasMessageContaining("apt-get install bubblewrap")
        .hasMessageContaining("RACETRACK_SANDBOX=none");
  }

  @Test
  void create_whenBwrapIsFound_usesIt() {
    Sandbox sandbox =
        Sandbox.create(
            Sandbox.Mode.BWRAP, List.of(), p -> Optional.of(Path.of("/opt/bin").resolve(p)));

    assertThat(sandbox.processBuilder(spec(tmp, List.of(tmp), List.of())).command().getFirst())
        .isEqualTo("/opt/bin/bwrap");
  }

  @Test
  void none_runsTheCommandAsIsWithExactlyItsEnvironment() {
    ProcessBuilder builder =
        Sandbox.create(Sandbox.Mode.NONE, List.of(), p -> Optional.empty())
            .processBuilder(spec(tmp, List.of(tmp), List.of()));

    assertThat(builder.command()).containsExactly("/usr/bin/python3", "job.py");
    assertThat(builder.environment()).containsOnlyKeys("JOB_NAME", "HOME");
  }

  @Test
  void mode_fromEnv_defaultsToBwrapAndNamesTheVariableWhenInvalid() {
    assertThat(Sandbox.Mode.fromEnv(new EnvReader(Map.of()))).isEqualTo(Sandbox.Mode.BWRAP);
    assertThat(Sandbox.Mode.fromEnv(new EnvReader(Map.of("RACETRACK_SANDBOX", "none"))))
        .isEqualTo(Sandbox.Mode.NONE);
    assertThatThrownBy(
            () -> Sandbox.Mode.fromEnv(new EnvReader(Map.of("RACETRACK_SANDBOX", "docker"))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("RACETRACK_SANDBOX must be bwrap or none, got 'docker'");
  }
}
