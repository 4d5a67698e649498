package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code racetrack} launcher's build on first use, started from another directory (a job's
 * directory, say): Maven must run in the repository, since it finds the project from its working
 * directory. A copy of the launcher runs in a stand-in repository whose {@code mvnw} only records
 * where it was started, then fails, so no real build runs.
 */
class LauncherBuildTest {
  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

  @Test
  void buildOnFirstUse_startedFromAnotherDirectory_runsMavenInTheRepository(@TempDir Path temp)
      throws Exception {
    Path root = Files.createDirectories(temp.resolve("repo"));
    Files.copy(REPOSITORY.resolve("racetrack"), root.resolve("racetrack"));
    Files.setPosixFilePermissions(
        root.resolve("racetrack"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(root.resolve("scripts"));
    Files.copy(REPOSITORY.resolve("scripts/find-jdk.sh"), root.resolve("scripts/find-jdk.sh"));
    Path startedIn = temp.resolve("mvnw-started-in.txt");
    Path mvnw = root.resolve("mvnw");
    Files.writeString(
        mvnw,
        "#!/usr/bin/env bash\npwd > '"
            + startedIn
            + "'\necho 'stand-in build failed' >&2\nexit 1\n");
    Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path elsewhere = Files.createDirectories(temp.resolve("my-job"));

    Process launcher =
        new ProcessBuilder(root.resolve("racetrack").toString(), "--version")
            .directory(elsewhere.toFile())
            .redirectErrorStream(true)
            .start();
    launcher.getOutputStream().close();
    String output = new String(launcher.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int code = launcher.waitFor();

    assertThat(code).as(output).isEqualTo(1);
    assertThat(output).contains("building the distribution").contains("the build failed");
    assertThat(startedIn).as(output).exists();
    assertThat(Files.readAllLines(startedIn))
        .as("the directory mvnw was started in")
        .isEqualTo(List.of(root.toAbsolutePath().toString()));
  }
}
