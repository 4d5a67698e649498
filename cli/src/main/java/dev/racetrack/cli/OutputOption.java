package dev.racetrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** {@code -o table|json}, mixed into listings. */
final class OutputOption {
  @Option(
      names = {"-o", "--output"},
      defaultValue = "table",
      description = "table (default) or json (the server's JSON, for scripts).")
  String output = "table";

  /** Whether JSON was asked for; fails on anything but table and json. */
  boolean json() {
    return switch (output) {
      case "json" -> true;
      case "table" -> false;
      default -> throw new CliException("--output must be table or json, got '" + output + "'");
    };
  }

  /**
   * A listing: checks {@code -o} before asking the server, then prints the answer as JSON, or as a
   * table with {@code header} and one row per element of the answer.
   */
  int list(
      PrintStream out,
      Supplier<JsonNode> fetch,
      String[] header,
      Function<JsonNode, String[]> row) {
    return list(out, fetch, answer -> answer, header, row);
  }

  /** As {@link #list(PrintStream, Supplier, String[], Function)}, rows from {@code items}. */
  int list(
      PrintStream out,
      Supplier<JsonNode> fetch,
      Function<JsonNode, JsonNode> items,
      String[] header,
      Function<JsonNode, String[]> row) {
    boolean json = json();
    JsonNode answer = fetch.get();
    if (json) {
      out.println(Json.write(answer));
      return 0;
    }
    List<String[]> rows = new ArrayList<>();
    rows.add(header);
    items.apply(answer).forEach(item -> rows.add(row.apply(item)));
    JobCommands.Table.print(out, rows);
    return 0;
  }
}
