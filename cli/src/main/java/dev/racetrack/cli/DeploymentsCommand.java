package dev.racetrack.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.cli.JobCommands.Table;
import dev.racetrack.model.Deployment;
import dev.racetrack.model.DeploymentStatus;
import dev.racetrack.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code racetrack deployments}: the latest deployment attempts, newest first. */
@Command(name = "deployments", description = "List the latest deployments, newest first.")
final class DeploymentsCommand implements Callable<Integer> {
  /** The longest error shown in the table; {@code -o json} has the whole text. */
  static final int ERROR_WIDTH = 60;

  @ParentCommand RacetrackCli root;

  @Mixin RemoteOption remote;

  @Mixin OutputOption output;

  @Option(
      names = "--limit",
      paramLabel = "N",
      description = "How many deployments, 1 to 1000 (default: the platform's, 100).")
  Optional<Integer> limit = Optional.empty();

  @Override
  public Integer call() {
    CliContext context = root.context();
    boolean json = output.json();
    if (limit.isPresent() && (limit.get() < 1 || limit.get() > 1000)) {
      throw new CliException("--limit must be between 1 and 1000, got " + limit.get());
    }
    JsonNode answer =
        remote
            .api(context)
            .get("/api/v1/deploy" + limit.map(n -> "?limit=" + n).orElse(""), JsonNode.class);
    if (json) {
      context.out().println(Json.write(answer));
      return 0;
    }
    List<Deployment> deployments =
        Json.mapper().convertValue(answer, new TypeReference<List<Deployment>>() {});
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"ID", "JOB", "VERSION", "STATUS", "PHASE", "DURATION", "BY", "ERROR"});
    for (Deployment d : deployments) {
      rows.add(
          new String[] {
            d.id(),
            orDash(d.jobName()),
            orDash(d.jobVersion()),
            d.status().wireName(),
            orDash(d.phase()),
            d.status() == DeploymentStatus.IN_PROGRESS ? "-" : duration(d.durationSeconds()),
            orDash(d.deployedBy()),
            firstLine(d.error())
          });
    }
    Table.print(context.out(), rows);
    return 0;
  }

  private static String orDash(@Nullable String text) {
    return text == null || text.isBlank() ? "-" : text;
  }

  /** {@code 42s}, {@code 3m05s}, {@code 2h07m}. */
  static String duration(long seconds) {
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  }

  /** The first line of an error, cut to {@link #ERROR_WIDTH} characters; empty for none. */
  static String firstLine(@Nullable String error) {
    if (error == null) {
      return "";
    }
    String line = error.strip().lines().findFirst().orElse("").strip();
    return line.length() <= ERROR_WIDTH ? line : line.substring(0, ERROR_WIDTH - 3) + "...";
  }
}
