package dev.racetrack.cli;

import static dev.racetrack.cli.JobCommands.segment;

import dev.racetrack.model.Deployment;
import dev.racetrack.model.http.ApiClient;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Deployments of a job already on the platform, followed like {@code deploy}: {@code redeploy}
 * (build again from the stored manifest), {@code reprovision} (start the built image again) and
 * {@code move} (to another infrastructure target).
 */
final class RedeployCommands {
  private RedeployCommands() {}

  /** {@code NAME --version V}: the deployed job version a command acts on. */
  static final class JobVersion {
    @Parameters(paramLabel = "NAME", description = "Job name.")
    String name = "";

    @Option(
        names = "--version",
        required = true,
        description = "Exact job version (as racetrack list shows it).")
    String version = "";

    String path(String action) {
      return "/api/v1/job/" + segment(name) + "/" + segment(version) + "/" + action;
    }
  }

  /**
   * Starts a deployment with {@code POST path} and follows it: {@code doing} introduces it, the
   * job's URL ends it, a failure throws with the deployment's error.
   */
  static int run(CliContext context, RemoteOption remote, String path, Object body, String doing)
      throws InterruptedException {
    PrintStream out = context.out();
    String lifecycle = remote.url(context);
    ApiClient api = context.api(lifecycle);
    DeploymentProgress progress = new DeploymentProgress(api, out);
    out.println(doing + " on " + lifecycle);
    String id = api.post(path, body, DeploymentProgress.Started.class).id();
    Deployment done = progress.awaitDone(id);
    out.println(DeploymentProgress.runningLine(done.jobName(), done.jobVersion(), done));
    return 0;
  }

  /** A deployment of the same job version again, without a body: redeploy or reprovision. */
  abstract static class Again implements Callable<Integer> {
    @ParentCommand RacetrackCli root;

    @Mixin JobVersion job;

    @Mixin RemoteOption remote;

    private final String action;
    private final String doing;

    Again(String action, String doing) {
      this.action = action;
      this.doing = doing;
    }

    @Override
    public Integer call() throws InterruptedException {
      return run(
          root.context(),
          remote,
          job.path(action),
          Map.of(),
          doing + " " + job.name + " v" + job.version);
    }
  }

  @Command(
      name = "redeploy",
      description =
          "Build a deployed job version again from its stored manifest and build context, then"
              + " replace the running one; waits until it runs.")
  static final class Redeploy extends Again {
    Redeploy() {
      super("redeploy", "redeploying");
    }
  }

  @Command(
      name = "reprovision",
      description =
          "Start a deployed job version again from its built image (a fresh environment, e.g."
              + " new secrets or tokens); waits until it runs.")
  static final class Reprovision extends Again {
    Reprovision() {
      super("reprovision", "reprovisioning");
    }
  }

  @Command(
      name = "move",
      description =
          "Start a deployed job version on another infrastructure target and remove it from its"
              + " current one; waits until it runs.")
  static final class Move implements Callable<Integer> {
    @ParentCommand RacetrackCli root;

    @Mixin JobVersion job;

    @Option(
        names = "--infrastructure-target",
        required = true,
        paramLabel = "TARGET",
        description = "Name of the target to move the job to.")
    String target = "";

    @Mixin RemoteOption remote;

    @Override
    public Integer call() throws InterruptedException {
      if (target.isBlank()) {
        throw new CliException("--infrastructure-target must not be empty");
      }
      return run(
          root.context(),
          remote,
          job.path("move"),
          Map.of("infrastructure_target", target),
          "moving " + job.name + " v" + job.version + " to " + target);
    }
  }
}
