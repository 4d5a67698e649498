package dev.racetrack.cli;

import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.Deployment;
import dev.racetrack.model.http.ApiClient;
import dev.racetrack.model.manifest.Manifest;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code racetrack deploy}: sends a job to the platform and follows the deployment to its end. */
@Command(
    name = "deploy",
    description = "Deploy the job in WORKDIR (its job.yaml) and wait until it runs.")
final class DeployCommand implements Callable<Integer> {
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
    DeploymentProgress progress = new DeploymentProgress(api, out);
    DeployRequest request =
        JobUpload.request(
            context,
            job,
            lifecycle,
            buildContext,
            force,
            noCache ? List.of("--no-cache") : List.of());
    out.println("deploying " + manifest.name() + " v" + manifest.version() + " to " + lifecycle);
    String id = api.post("/api/v1/deploy", request, DeploymentProgress.Started.class).id();
    Deployment done = progress.awaitDone(id);
    out.println(DeploymentProgress.runningLine(manifest.name(), manifest.version(), done));
    return 0;
  }
}
