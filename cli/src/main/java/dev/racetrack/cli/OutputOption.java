package dev.racetrack.cli;

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
}
