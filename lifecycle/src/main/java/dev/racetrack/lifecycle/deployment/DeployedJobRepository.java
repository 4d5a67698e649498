package dev.racetrack.lifecycle.deployment;

import java.sql.Timestamp;
import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * The job rows a deployment writes besides the registration itself: the {@code starting} row of a
 * first version, its removal when the start failed, a manifest edit, and the public endpoint
 * requests of a registered version. Every statement runs in the caller's transaction.
 */
final class DeployedJobRepository {

  /**
   * The row of a first version while it starts.
   *
   * @param familyId its family
   * @param jobType the job type key ({@code python3:1.2.0})
   */
  record Starting(
      String familyId,
      String name,
      String version,
      Instant now,
      String manifestYaml,
      String deployedBy,
      String target,
      String jobType) {}

  /** Adds the {@code starting} row unless the version has a row already. */
  void insertStarting(Handle h, Starting row) {
    h.createUpdate(
            """
            INSERT INTO registry_job (id, family_id, name, version, status, create_time, update_time, manifest,
              deployed_by, infrastructure_target, job_type_version)
            VALUES (gen_random_uuid()::text, :family, :name, :version, 'starting', :now, :now, :manifest, :by,
              :target, :jobtype)
            ON CONFLICT (name, version) DO NOTHING
            """)
        .bind("family", row.familyId())
        .bind("name", row.name())
        .bind("version", row.version())
        .bind("now", Timestamp.from(row.now()))
        .bind("manifest", row.manifestYaml())
        .bind("by", row.deployedBy())
        .bind("target", row.target())
        .bind("jobtype", row.jobType())
        .execute();
  }

  /** Removes a version's row if it is still {@code starting}. */
  void deleteStarting(Handle h, String name, String version) {
    h.createUpdate(
            "DELETE FROM registry_job WHERE name = :name AND version = :version AND status = 'starting'")
        .bind("name", name)
        .bind("version", version)
        .execute();
  }

  /** Replaces a job's stored manifest. */
  void updateManifest(Handle h, String jobId, String manifestYaml) {
    h.createUpdate("UPDATE registry_job SET manifest = :m WHERE id = :id")
        .bind("m", manifestYaml)
        .bind("id", jobId)
        .execute();
  }

  /** Asks for an endpoint of a job to be public (inactive until an admin approves it). */
  void requestPublicEndpoint(Handle h, String jobId, String endpoint) {
    h.createUpdate(
            """
            INSERT INTO registry_publicendpointrequest (id, job_id, endpoint, active)
            VALUES (gen_random_uuid()::text, :job, :endpoint, FALSE) ON CONFLICT (job_id, endpoint) DO NOTHING
            """)
        .bind("job", jobId)
        .bind("endpoint", endpoint)
        .execute();
  }
}
