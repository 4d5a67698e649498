package dev.racetrack.lifecycle.job;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** SQL for {@code registry_job.newer_versions}, in the caller's transaction. */
final class NewerVersionsRepository {

  /** The versions of one family, or of every family, with their stored counts. */
  List<NewerVersions.Version> versions(Handle h, Optional<String> family) {
    var query =
        h.createQuery(
            "SELECT id, name, version, newer_versions FROM registry_job"
                + (family.isPresent() ? " WHERE name = :name" : ""));
    family.ifPresent(name -> query.bind("name", name));
    return query
        .map(
            (rs, ctx) ->
                new NewerVersions.Version(
                    rs.getString("id"),
                    rs.getString("name"),
                    rs.getString("version"),
                    rs.getInt("newer_versions")))
        .list();
  }

  /** Stores the counts given by job id, in one batch. */
  void update(Handle h, Map<String, Integer> newerById) {
    if (newerById.isEmpty()) {
      return;
    }
    PreparedBatch batch =
        h.prepareBatch("UPDATE registry_job SET newer_versions = :newer WHERE id = :id");
    newerById.forEach((id, newer) -> batch.bind("newer", newer).bind("id", id).add());
    batch.execute();
  }
}
