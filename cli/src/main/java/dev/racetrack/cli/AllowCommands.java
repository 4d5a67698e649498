package dev.racetrack.cli;

import static dev.racetrack.cli.JobCommands.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code racetrack allow ...}: the common grants in one step, an ESC or a job family calling a job
 * family. Both are idempotent.
 */
final class AllowCommands {
  private AllowCommands() {}

  @Command(
      name = "allow",
      description = "Let an ESC or a job family call a job family (needs call_admin_api).",
      subcommands = {AllowEsc.class, AllowFamily.class})
  static final class Allow {
    @ParentCommand RacetrackCli root;

    CliContext context() {
      return root.context();
    }
  }

  /** {@code --scope}, call_job unless given. */
  static final class ScopeOption {
    @Option(
        names = "--scope",
        paramLabel = "SCOPE",
        defaultValue = "call_job",
        description = "One of: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).",
        completionCandidates = PermissionCommands.Scopes.class)
    String scope = "call_job";
  }

  /**
   * {@code POST /api/v1/auth/allow/SUBJECT/job/FAMILY/scope/SCOPE}; returns the checked scope.
   *
   * @param subject e.g. {@code esc/ID} or {@code job_family/NAME}, segments already encoded
   */
  private static String allow(
      CliContext context, RemoteOption remote, String subject, String family, String scope) {
    String checked = PermissionCommands.scope(scope);
    remote
        .api(context)
        .post(
            "/api/v1/auth/allow/" + subject + "/job/" + segment(family) + "/scope/" + checked,
            Map.of(),
            JsonNode.class);
    return checked;
  }

  @Command(name = "esc", description = "Let an ESC use a scope (default call_job) on a job family.")
  static final class AllowEsc implements Callable<Integer> {
    @ParentCommand Allow parent;

    @Parameters(index = "0", paramLabel = "ESC_ID")
    String escId;

    @Parameters(index = "1", paramLabel = "FAMILY", description = "The job family (job name).")
    String family;

    @Mixin ScopeOption scope;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      String checked = allow(context, remote, "esc/" + segment(escId), family, scope.scope);
      context.out().println("ESC " + escId + " may " + checked + " on family " + family);
      return 0;
    }
  }

  @Command(
      name = "family",
      description =
          "Let every job of family SOURCE use a scope (default call_job) on family TARGET. One"
              + " way: TARGET does not get to call SOURCE.")
  static final class AllowFamily implements Callable<Integer> {
    @ParentCommand Allow parent;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "The calling job family.")
    String source;

    @Parameters(index = "1", paramLabel = "TARGET", description = "The called job family.")
    String target;

    @Mixin ScopeOption scope;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      String checked = allow(context, remote, "job_family/" + segment(source), target, scope.scope);
      context
          .out()
          .println("jobs of family " + source + " may " + checked + " on family " + target);
      return 0;
    }
  }
}
