package dev.racetrack.lifecycle.job;

import dev.racetrack.model.version.SemVer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/**
 * Keeps {@code registry_job.newer_versions} (how many newer SemVer versions of the same family
 * exist, part of the purge score) up to date: for one family whenever its versions change, and for
 * every family on the supervisor's pass. The portfolio then scores and sorts jobs in SQL.
 */
public final class NewerVersions {
  private NewerVersions() {}

  private record Version(String id, String name, String version, int stored) {}

  /**
   * Recomputes the counts of one family (or of every family) and writes those that changed.
   *
   * @return how many rows changed
   */
  public static int refresh(Handle h, Optional<String> family) {
    var query =
        h.createQuery(
            "SELECT id, name, version, newer_versions FROM registry_job"
                + (family.isPresent() ? " WHERE name = :name" : ""));
    family.ifPresent(name -> query.bind("name", name));
    List<Version> rows =
        query
            .map(
                (rs, ctx) ->
                    new Version(
                        rs.getString("id"),
                        rs.getString("name"),
                        rs.getString("version"),
                        rs.getInt("newer_versions")))
            .list();
    Map<String, List<SemVer>> byFamily = new HashMap<>();
    for (Version row : rows) {
      SemVer.tryParse(row.version())
          .ifPresent(v -> byFamily.computeIfAbsent(row.name(), n -> new ArrayList<>()).add(v));
    }
    PreparedBatch batch =
        h.prepareBatch("UPDATE registry_job SET newer_versions = :newer WHERE id = :id");
    int changed = 0;
    for (Version row : rows) {
      int newer = count(row, byFamily.getOrDefault(row.name(), List.of()));
      if (newer != row.stored()) {
        batch.bind("newer", newer).bind("id", row.id()).add();
        changed++;
      }
    }
    if (changed > 0) {
      batch.execute();
    }
    return changed;
  }

  /** The newer versions of a job among its family's (0 when its version is not SemVer). */
  private static int count(Version row, List<SemVer> family) {
    Optional<SemVer> version = SemVer.tryParse(row.version());
    return version
        .map(v -> (int) family.stream().filter(other -> other.compareTo(v) > 0).count())
        .orElse(0);
  }
}
