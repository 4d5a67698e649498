package dev.racetrack.e2e;

import static org.awaitility.Awaitility.await;

import dev.racetrack.testsupport.FreePort;
import dev.racetrack.testsupport.Processes;
import dev.racetrack.tls.TrustedCa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The platform started from its distribution as a real process ({@code racetrack server}) on free
 * ports with a data directory of its own, and the {@code racetrack} client run against it.
 */
final class PlatformProcess implements AutoCloseable {
  static final String ADMIN_PASSWORD = "e2e-admin-password";

  private final Path dist;
  private final Path home;
  private final Map<String, String> env = new HashMap<>();
  private final HttpClient http;
  private Process process;
  private int starts;

  PlatformProcess(Path dist, Path home, Map<String, String> extraEnv) {
    this.dist = dist;
    this.home = home;
    env.put("RACETRACK_DATA_DIR", home.resolve("data").toString());
    env.put("RACETRACK_CONFIG", home.resolve("client/config.yaml").toString());
    env.put("RACETRACK_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("LIFECYCLE_PORT", Integer.toString(FreePort.find()));
    env.put("PUB_PORT", Integer.toString(FreePort.find()));
    env.put("IMAGE_BUILDER_PORT", Integer.toString(FreePort.find()));
    env.put("DASHBOARD_PORT", Integer.toString(FreePort.find()));
    env.put("SUPERVISOR_INTERVAL_SECONDS", "1");
    env.putAll(extraEnv);
    // with TLS on (TLS_CERT_FILE), the harness trusts the platform's CA (TLS_CA_FILE)
    http =
        TrustedCa.trusting(
                HttpClient.newBuilder(), Optional.ofNullable(env.get("TLS_CA_FILE")).map(Path::of))
            .build();
  }

  /** {@code https} when the platform serves TLS, else {@code http}. */
  String scheme() {
    return env.containsKey("TLS_CERT_FILE") ? "https" : "http";
  }

  /** Changes a variable for the next start (e.g. another AUTH_KEY). */
  void setEnv(String name, String value) {
    env.put(name, value);
  }

  String lifecycleUrl() {
    return scheme() + "://127.0.0.1:" + env.get("LIFECYCLE_PORT") + "/lifecycle";
  }

  String pubUrl() {
    return scheme() + "://127.0.0.1:" + env.get("PUB_PORT") + "/pub";
  }

  String dashboardUrl() {
    return scheme() + "://127.0.0.1:" + env.get("DASHBOARD_PORT") + "/dashboard";
  }

  int imageBuilderPort() {
    return Integer.parseInt(env.get("IMAGE_BUILDER_PORT"));
  }

  Path dataDir() {
    return Path.of(env.get("RACETRACK_DATA_DIR"));
  }

  Path serverLog() {
    return home.resolve("server-" + starts + ".log");
  }

  /** Starts the platform and waits until lifecycle, the image builder and PUB answer. */
  void start() {
    starts++;
    List<String> command = new ArrayList<>(java());
    command.add("server");
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(serverLog().toFile());
    builder.environment().putAll(env);
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () ->
                  ok(lifecycleUrl() + "/ready")
                      && ok(pubUrl() + "/ready")
                      && ok(
                          scheme() + "://127.0.0.1:" + env.get("IMAGE_BUILDER_PORT") + "/health"));
    } catch (RuntimeException e) {
      throw new AssertionError("platform did not start; its log:\n" + tail(serverLog()), e);
    }
  }

  /**
   * Logs the CLI in as admin (password from stdin), makes this platform the current remote and
   * returns the admin's token.
   */
  String loginAsAdmin() {
    CliResult login =
        cli(ADMIN_PASSWORD + "\n", "login", "--username", "admin", "--remote", lifecycleUrl());
    if (login.exitCode() != 0) {
      throw new AssertionError("admin login failed: " + login.output());
    }
    cli("", "set", "remote", lifecycleUrl());
    return cli("", "get", "auth-token").output().strip();
  }

  /** Kills the platform process abruptly (SIGKILL), as a crash would. */
  void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  /** Stops the platform like Ctrl-C would (SIGTERM). */
  void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      waitForExit();
    }
  }

  private void waitForExit() {
    try {
      process.waitFor();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  boolean ok(String url) {
    try {
      return http.send(
                  HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Output and exit code of one {@code racetrack} client command. */
  record CliResult(int exitCode, String output) {}

  /** Runs the racetrack client of the distribution. */
  CliResult cli(String stdin, String... args) {
    return cli(Map.of(), stdin, args);
  }

  /**
   * Runs the racetrack client with variables added for this command only (a passphrase the platform
   * itself must not get).
   */
  CliResult cli(Map<String, String> extraEnv, String stdin, String... args) {
    List<String> command = new ArrayList<>(java());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().putAll(extraEnv);
    try {
      Process cli = builder.start();
      cli.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
      cli.getOutputStream().close();
      String output = new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new CliResult(cli.waitFor(), output);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private List<String> java() {
    return List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-XX:TieredStopAtLevel=1",
        "-cp",
        dist.resolve("lib") + "/*",
        "dev.racetrack.server.RacetrackMain");
  }

  static String tail(Path file) {
    try {
      List<String> lines = Files.readAllLines(file);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  /**
   * Kills every process working in the data directory (the local target's jobs, sandboxes included)
   * and waits until they are gone; returns how many there were.
   */
  int killJobs() {
    List<ProcessHandle> inside = processesIn(dataDir());
    try {
      Processes.killAndWait(inside, Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return inside.size();
  }

  /** Stops the platform and every job process started from its data directory. */
  @Override
  public void close() {
    stop();
    killJobs(); // waits for them: a job still running would write under a test's deleted directory
  }

  /**
   * One process per job running under {@code dir}: the outermost of the processes working there
   * (jobs run in their artifact; a sandboxed job is the sandbox's process with the job inside).
   */
  static List<ProcessHandle> jobProcesses(Path dir) {
    List<ProcessHandle> inside = processesIn(dir);
    return inside.stream()
        .filter(p -> p.parent().map(parent -> !inside.contains(parent)).orElse(true))
        .toList();
  }

  /** Processes whose working directory is under {@code dir}. */
  private static List<ProcessHandle> processesIn(Path dir) {
    return ProcessHandle.allProcesses()
        .filter(p -> cwd(p).map(c -> c.startsWith(dir)).orElse(false))
        .toList();
  }

  private static Optional<Path> cwd(ProcessHandle process) {
    try {
      return Optional.of(
          Files.readSymbolicLink(Path.of("/proc", Long.toString(process.pid()), "cwd")));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return Optional.empty();
    }
  }
}
