package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code racetrack} launcher's build on first use, started from another directory (a job's
 * directory, say): Maven must run in the repository, since it finds the project from its working
 * directory. A copy of the launcher runs in a stand-in repository whose {@code mvnw} only records
 * where it was started, then fails, so no real build runs. The launcher is also found through a
 * symbolic link to it (one in {@code PATH}), and so is {@code run-tests}.
 */
class LauncherBuildTest {
  private static final Path REPOSITORY = Path.of("..").toAbsolutePath().normalize();

  @Test
  void buildOnFirstUse_startedFromAnotherDirectory_runsMavenInTheRepository(@TempDir Path temp)
      throws Exception {
    Path root = standInRepository(temp);
    Path elsewhere = Files.createDirectories(temp.resolve("my-job"));

    Result result = launch(root.resolve("racetrack"), elsewhere);

    assertThat(result.code()).as(result.output()).isEqualTo(1);
    assertThat(result.output()).contains("building the distribution").contains("the build failed");
    assertThat(startedIn(temp, result))
        .as("the directory mvnw was started in")
        .isEqualTo(root.toRealPath().toString());
  }

  @Test
  void startedThroughASymbolicLink_findsItsRepository(@TempDir Path temp) throws Exception {
    Path root = standInRepository(temp);
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Path link = Files.createSymbolicLink(bin.resolve("racetrack"), root.resolve("racetrack"));

    Result result = launch(link, bin);

    assertThat(result.output())
        .doesNotContain("No such file")
        .contains("building the distribution");
    assertThat(startedIn(temp, result)).isEqualTo(root.toRealPath().toString());
  }

  @Test
  void testRunner_startedThroughASymbolicLink_runsMavenInTheRepository(@TempDir Path temp)
      throws Exception {
    Path root = standInRepository(temp);
    Path bin = Files.createDirectories(temp.resolve("bin"));
    Path link = Files.createSymbolicLink(bin.resolve("run-tests"), root.resolve("run-tests"));

    Result result = launch(link, bin);

    assertThat(result.output()).doesNotContain("No such file").contains("stand-in build failed");
    assertThat(startedIn(temp, result)).isEqualTo(root.toRealPath().toString());
  }

  /**
   * A copy of the launcher, the test runner and the script they source, with a stand-in {@code
   * mvnw} that records the directory it was started in and fails.
   */
  private static Path standInRepository(Path temp) throws Exception {
    Path root = Files.createDirectories(temp.resolve("repo"));
    for (String script : new String[] {"racetrack", "run-tests"}) {
      Files.copy(REPOSITORY.resolve(script), root.resolve(script));
      Files.setPosixFilePermissions(
          root.resolve(script), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    Files.createDirectories(root.resolve("scripts"));
    Files.copy(REPOSITORY.resolve("scripts/find-jdk.sh"), root.resolve("scripts/find-jdk.sh"));
    Path mvnw = root.resolve("mvnw");
    Files.writeString(
        mvnw,
        "#!/usr/bin/env bash\npwd > '"
            + temp.resolve("mvnw-started-in.txt")
            + "'\necho 'stand-in build failed' >&2\nexit 1\n");
    Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
    return root;
  }

  private static String startedIn(Path temp, Result result) throws Exception {
    Path recorded = temp.resolve("mvnw-started-in.txt");
    assertThat(recorded).as("mvnw was not started: " + result.output()).exists();
    return Files.readString(recorded).strip();
  }

  private record Result(int code, String output) {}

  private static Result launch(Path launcher, Path directory) throws Exception {
    Process process =
        new ProcessBuilder(launcher.toString(), "--version")
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.waitFor(), output);
  }
}
