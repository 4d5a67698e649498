package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code racetrack} launcher's build on first use, started from another directory (a job's
 * directory, say): Maven must run in the repository, since it finds the project from its working
 * directory. A copy of the launcher runs in a stand-in repository whose {@code mvnw} only records
 * where it was started, then fails, so no real build runs. The launcher is also found through a
 * symbolic link to it (one in {@code PATH}), and so is {@code run-tests}. {@code racetrack server
 * --help} only prints the usage: no sandbox-tool check or installation first.
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

  @Test
  void serverHelp_withoutTheSandboxTool_printsNoSandboxWarningAndInstallsNothing(@TempDir Path temp)
      throws Exception {
    Path root = builtStandInRepository(temp);

    Result help = launchWithoutSandboxTool(root, temp, "server", "--help");
    Result serve = launchWithoutSandboxTool(root, temp, "server");

    assertThat(help.code()).as(help.output()).isZero();
    assertThat(help.output()).contains("java started with: server --help").doesNotContain("bwrap");
    // the same set-up without --help does check: the check is skipped for help only
    assertThat(serve.output()).contains("'bwrap' is missing").contains("java started with: server");
  }

  /**
   * The stand-in repository with its distribution built (nothing newer than it, so no build), and a
   * stand-in JDK whose {@code java} prints its arguments.
   */
  private static Path builtStandInRepository(Path temp) throws Exception {
    Path root = standInRepository(temp);
    Path dist = Files.createDirectories(root.resolve("server/target/dist/lib"));
    Files.writeString(dist.getParent().resolve(".built"), "");
    Path jdk = Files.createDirectories(temp.resolve("jdk/bin"));
    Files.writeString(jdk.getParent().resolve("release"), "JAVA_VERSION=\"25.0.1\"\n");
    for (String tool : new String[] {"java", "javac"}) {
      Files.writeString(
          jdk.resolve(tool),
          "#!/bin/sh\nwhile [ \"${1#-}\" != \"$1\" ]; do shift; done; shift 2\n"
              + "echo \"java started with: $*\"\n");
      Files.setPosixFilePermissions(
          jdk.resolve(tool), PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    return root;
  }

  /**
   * Runs the launcher with a {@code PATH} holding only the tools it needs: no {@code bwrap}, and no
   * {@code apt-get} (as root, the launcher would otherwise install the sandbox tool).
   */
  private static Result launchWithoutSandboxTool(Path root, Path temp, String... args)
      throws Exception {
    Path tools = temp.resolve("tools");
    if (!Files.isDirectory(tools)) {
      Files.createDirectories(tools);
      for (String tool :
          new String[] {"bash", "readlink", "dirname", "find", "sed", "head", "id"}) {
        Path real =
            Stream.of("/usr/bin", "/bin")
                .map(dir -> Path.of(dir, tool))
                .filter(Files::isExecutable)
                .findFirst()
                .orElseThrow(
                    () -> new IllegalStateException(tool + " not found in /usr/bin or /bin"));
        Files.createSymbolicLink(tools.resolve(tool), real);
      }
    }
    List<String> command = new ArrayList<>();
    command.add(root.resolve("racetrack").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("RACETRACK_SANDBOX");
    builder.environment().put("PATH", tools.toString());
    builder.environment().put("JAVA_HOME", temp.resolve("jdk").toString());
    return run(builder);
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
    return run(
        new ProcessBuilder(launcher.toString(), "--version")
            .directory(directory.toFile())
            .redirectErrorStream(true));
  }

  private static Result run(ProcessBuilder builder) throws Exception {
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return new Result(process.waitFor(), output);
  }
}
