package dev.racetrack.lifecycle.job;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** SQL for {@code registry_trashjob}: tombstones that keep a deleted name+version from reuse. */
public final class TrashRepository {
  private final Jdbi jdbi;

  public TrashRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public boolean contains(String name, String version) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT EXISTS (SELECT 1 FROM registry_trashjob WHERE name = :name AND version = :version)")
                .bind("name", name)
                .bind("version", version)
                .mapTo(Boolean.class)
                .one());
  }

  /** Copies a job row into the trash (replacing an older tombstone of the same id). */
  public void moveToTrash(Handle h, String jobId) {
    h.createUpdate(
            """
            INSERT INTO registry_trashjob (id, name, version, status, create_time, update_time, manifest,
              internal_name, error, image_tag, deployed_by, last_call_time, infrastructure_target, delete_time, age_days)
            SELECT id, name, version, status, create_time, update_time, manifest, internal_name, error, image_tag,
              deployed_by, last_call_time, infrastructure_target, now(),
              LEAST(EXTRACT(EPOCH FROM (now() - create_time)) / 86400.0, 999999)
            FROM registry_job WHERE id = :id
            ON CONFLICT (id) DO UPDATE SET delete_time = now()
            """)
        .bind("id", jobId)
        .execute();
  }

  /** Forgets tombstones of a name+version (a forced redeploy claims it again). */
  public void release(Handle h, String name, String version) {
    h.createUpdate("DELETE FROM registry_trashjob WHERE name = :name AND version = :version")
        .bind("name", name)
        .bind("version", version)
        .execute();
  }
}
