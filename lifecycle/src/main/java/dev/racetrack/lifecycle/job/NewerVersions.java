package dev.racetrack.lifecycle.job;

import dev.racetrack.model.version.SemVer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Keeps {@code registry_job.newer_versions} (how many newer SemVer versions of the same family
 * exist, part of the purge score) up to date: for one family whenever its versions change, and for
 * every family on the supervisor's pass. The portfolio then scores and sorts jobs in SQL. The rows
 * are read and written by {@link NewerVersionsRepository}; this class counts.
 */
public final class NewerVersions {
  private static final NewerVersionsRepository ROWS = new NewerVersionsRepository();

  private NewerVersions() {}

  /** A job row with the count it has stored. */
  record Version(String id, String name, String version, int stored) {}

  /**
   * Recomputes the counts of one family (or of every family) and writes those that changed.
   *
   * @return how many rows changed
   */
  public static int refresh(Handle h, Optional<String> family) {
    Map<String, Integer> changed = changes(ROWS.versions(h, family));
    ROWS.update(h, changed);
    return changed.size();
  }

  /** The rows whose stored count is wrong, by id, with the right count. */
  static Map<String, Integer> changes(List<Version> rows) {
    Map<String, List<SemVer>> byFamily = new HashMap<>();
    for (Version row : rows) {
      SemVer.tryParse(row.version())
          .ifPresent(v -> byFamily.computeIfAbsent(row.name(), n -> new ArrayList<>()).add(v));
    }
    Map<String, Integer> changed = new LinkedHashMap<>();
    for (Version row : rows) {
      int newer = count(row, byFamily.getOrDefault(row.name(), List.of()));
      if (newer != row.stored()) {
        changed.put(row.id(), newer);
      }
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
