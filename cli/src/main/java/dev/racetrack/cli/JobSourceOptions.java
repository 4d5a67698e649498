package dev.racetrack.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The job directory, remote and build context options of {@code deploy} and {@code run-local}. */
final class JobSourceOptions {
  @Parameters(
      arity = "0..1",
      defaultValue = ".",
      paramLabel = "WORKDIR",
      description = "Job directory or manifest file (default: .).")
  Path workdir;

  @Option(names = "--remote", description = "Lifecycle URL or alias (default: the current remote).")
  Optional<String> remote = Optional.empty();

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

  /** The job directory with its manifest (extends and extra vars applied). */
  JobDirectory load() {
    return JobDirectory.load(workdir, extraVars);
  }
}
