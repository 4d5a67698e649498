package dev.racetrack.cli;

import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.Deployment;
import dev.racetrack.model.DeploymentStatus;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.http.ApiClient;
import dev.racetrack.model.manifest.Manifest;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code racetrack deploy}: sends a job to the platform and follows the deployment to its end. */
@Command(
    name = "deploy",
    description = "Deploy the job in WORKDIR (its job.yaml) and wait until it runs.")
final class DeployCommand implements Callable<Integer> {
  private static final Duration TIMEOUT = Duration.ofHours(1);

  @ParentCommand RacetrackCli root;

  @Parameters(
      arity = "0..1",
      defaultValue = ".",
      paramLabel = "WORKDIR",
      description = "Job directory or manifest file (default: .).")
  Path workdir;

  @Option(names = "--remote", description = "Lifecycle URL or alias (default: the current remote).")
  Optional<String> remote;

  @Option(names = "--force", description = "Overwrite a deployed version, or reuse a deleted one.")
  boolean force;

  @Option(
      names = "--build-context",
      defaultValue = "auto",
      description =
          "local: upload this directory (respecting .gitignore); git: build from git.remote;"
              + " auto (default): local when the remote is on this machine, git otherwise.")
  String buildContext;

  @Option(
      names = {"-e", "--extra-vars"},
      paramLabel = "KEY=VALUE",
      description = "Override a manifest value (dotted key; value parsed as YAML).")
  List<String> extraVars = new ArrayList<>();

  @Option(names = "--no-cache", description = "Build without reusing cached layers.")
  boolean noCache;

  @Override
  public Integer call() throws InterruptedException {
    CliContext context = root.context();
    PrintStream out = context.out();
    JobDirectory job = JobDirectory.load(workdir, extraVars);
    job.manifest().warnings().forEach(w -> context.err().println("warning: " + w));
    Manifest manifest = job.manifest().manifest();
    String lifecycle = context.remote(remote);
    ApiClient api = context.api(lifecycle);
    long started = System.nanoTime();
    DeployRequest.SecretVars secrets =
        new DeployRequest.SecretVars(
            job.secretEnv(
                Optional.ofNullable(manifest.secretBuildEnvFile()), "secret_build_env_file"),
            job.secretEnv(
                Optional.ofNullable(manifest.secretRuntimeEnvFile()), "secret_runtime_env_file"));
    String context64 = useLocalContext(lifecycle) ? pack(job, out) : null;
    DeployRequest request =
        new DeployRequest(
            manifest.toMap(),
            null,
            secrets,
            context64,
            force,
            noCache ? List.of("--no-cache") : List.of());
    out.println("deploying " + manifest.name() + " v" + manifest.version() + " to " + lifecycle);
    String id = api.post("/api/v1/deploy", request, IdResponse.class).id();
    Deployment done = follow(api, id, started, out);
    if (done.status() == DeploymentStatus.FAILED) {
      throw new CliException("deployment " + id + " failed: " + done.error());
    }
    String url =
        done.job() != null && done.job().pubUrl() != null
            ? done.job().pubUrl() + "/"
            : "(no URL reported)";
    out.printf(
        Locale.ROOT, "job %s v%s is running: %s%n", manifest.name(), manifest.version(), url);
    return 0;
  }

  record IdResponse(String id) {}

  private boolean useLocalContext(String lifecycle) {
    return switch (buildContext) {
      case "local" -> true;
      case "git" -> false;
      case "auto" -> isLoopback(URI.create(lifecycle).getHost());
      default ->
          throw new CliException(
              "--build-context must be local, git or auto, got '" + buildContext + "'");
    };
  }

  static boolean isLoopback(String host) {
    try {
      return host != null && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Packs the job directory, leaving out what .gitignore excludes and the secret env files the
   * manifest names (they travel as secrets, never inside the build context).
   */
  private static String pack(JobDirectory job, PrintStream out) {
    Gitignore gitignore = Gitignore.load(job.dir());
    Manifest manifest = job.manifest().manifest();
    Set<Path> secretFiles =
        Stream.of(manifest.secretBuildEnvFile(), manifest.secretRuntimeEnvFile())
            .filter(Objects::nonNull)
            .map(f -> job.dir().relativize(job.dir().resolve(f).normalize()))
            .collect(Collectors.toSet());
    byte[] archive =
        BuildContext.pack(
            job.dir(),
            path -> !secretFiles.contains(path.normalize()) && job.includes(gitignore, path));

    out.printf(
        Locale.ROOT,
        "packed %s (%.1f KiB, .gitignore respected)%n",
        job.dir(),
        archive.length / 1024.0);
    return Base64.getEncoder().encodeToString(archive);
  }

  /** Polls the deployment, printing each new phase and warning, until it ends. */
  private static Deployment follow(ApiClient api, String id, long started, PrintStream out)
      throws InterruptedException {
    Set<String> seenWarnings = new HashSet<>();
    String lastPhase = "";
    long sleep = 50;
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      Deployment d = api.get("/api/v1/deploy/" + id, Deployment.class);
      String phase = d.phase() == null ? "" : d.phase();
      if (!phase.isEmpty() && !phase.equals(lastPhase)) {
        out.printf(Locale.ROOT, "[%5.1fs] %s%n", (System.nanoTime() - started) / 1e9, phase);
        lastPhase = phase;
      }
      if (d.warnings() != null) {
        for (String warning : d.warnings().split("\n")) {
          if (!warning.isBlank() && seenWarnings.add(warning)) {
            out.println("warning: " + warning);
          }
        }
      }
      if (d.status() != DeploymentStatus.IN_PROGRESS) {
        out.printf(
            Locale.ROOT,
            "[%5.1fs] %s%n",
            (System.nanoTime() - started) / 1e9,
            d.status().wireName());
        return d;
      }
      Thread.sleep(sleep);
      sleep = Math.min(1000, (long) (sleep * 1.5));
    }
    throw new CliException(
        "deployment " + id + " did not finish within " + TIMEOUT.toMinutes() + " minutes");
  }
}
