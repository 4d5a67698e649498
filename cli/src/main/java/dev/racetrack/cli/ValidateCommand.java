package dev.racetrack.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code racetrack validate}: checks a manifest and prints the result of overlays and extra vars.
 */
@Command(
    name = "validate",
    description = "Validate a job's manifest and print the resulting manifest.")
final class ValidateCommand implements Callable<Integer> {
  @ParentCommand RacetrackCli root;

  @Parameters(
      arity = "0..1",
      defaultValue = ".",
      paramLabel = "PATH",
      description = "Job directory or manifest file (default: .).")
  Path path;

  @Option(
      names = {"-e", "--extra-vars"},
      paramLabel = "KEY=VALUE",
      description = "Override a manifest value (dotted key; value parsed as YAML).")
  List<String> extraVars = new ArrayList<>();

  @Override
  public Integer call() {
    JobDirectory job = JobDirectory.load(path, extraVars);
    job.manifest().warnings().forEach(w -> root.context().err().println("warning: " + w));
    root.context().out().print(job.manifest().manifest().toYaml());
    root.context().err().println("manifest " + job.manifestFile() + " is valid");
    return 0;
  }
}
