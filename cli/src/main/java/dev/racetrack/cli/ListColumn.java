package dev.racetrack.cli;

import dev.racetrack.model.Job;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/** The extra columns of {@code racetrack list -c COLUMN}, as the original client names them. */
enum ListColumn {
  job_type("JOB TYPE", Job::jobTypeVersion),
  infrastructure("INFRASTRUCTURE", Job::infrastructureTarget),
  deployed_by("DEPLOYED BY", Job::deployedBy),
  updated_at("UPDATED AT", job -> Instant.ofEpochSecond(job.updateTime()).toString()),
  last_call_at(
      "LAST CALL AT",
      job ->
          job.lastCallTime() == null
              ? "never"
              : Instant.ofEpochSecond(job.lastCallTime()).toString()),
  pub_url("PUB URL", Job::pubUrl),
  all("", job -> "");

  private final String header;
  private final Function<Job, String> cell;

  ListColumn(String header, Function<Job, String> cell) {
    this.header = header;
    this.cell = cell;
  }

  String header() {
    return header;
  }

  String cell(Job job) {
    String value = cell.apply(job);
    return value == null || value.isEmpty() ? "-" : value;
  }

  /** The columns to show, in the order asked, each once; {@code all} means every column. */
  static List<ListColumn> expand(List<ListColumn> asked) {
    Set<ListColumn> columns = new LinkedHashSet<>();
    for (ListColumn column : asked) {
      if (column == all) {
        Arrays.stream(values()).filter(c -> c != all).forEach(columns::add);
      } else {
        columns.add(column);
      }
    }
    return List.copyOf(columns);
  }

  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }
}
