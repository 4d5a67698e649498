package dev.racetrack.cli;

import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.Deployment;
import dev.racetrack.model.http.ApiClient;
import dev.racetrack.model.manifest.Manifest;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code racetrack deploy}: sends a job to the platform and follows the deployment to its end. */
@Command(
    name = "deploy",
    description = "Deploy the job in WORKDIR (its job.yaml) and wait until it runs.")
final class DeployCommand implements Callable<Integer> {
  @ParentCommand RacetrackCli root;

  @Mixin JobSourceOptions source;

  @Option(names = "--force", description = "Overwrite a deployed version, or reuse a deleted one.")
  boolean force;

  @Option(names = "--no-cache", description = "Build without reusing cached layers.")
  boolean noCache;

  @Override
  public Integer call() throws InterruptedException {
    CliContext context = root.context();
    PrintStream out = context.out();
    JobDirectory job = source.load();
    job.manifest().warnings().forEach(w -> context.err().println("warning: " + w));
    Manifest manifest = job.manifest().manifest();
    String lifecycle = context.remote(source.remote);
    ApiClient api = context.api(lifecycle);
    DeploymentProgress progress = new DeploymentProgress(api, out);
    DeployRequest request =
        JobUpload.request(
            context,
            job,
            lifecycle,
            source.buildContext,
            force,
            noCache ? List.of("--no-cache") : List.of());
    out.println("deploying " + manifest.name() + " v" + manifest.version() + " to " + lifecycle);
    String id = api.post("/api/v1/deploy", request, DeploymentProgress.Started.class).id();
    Deployment done = progress.awaitDone(id);
    out.println(DeploymentProgress.runningLine(manifest.name(), manifest.version(), done));
    return 0;
  }
}
