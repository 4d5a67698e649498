package dev.racetrack.lifecycle.job;

import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** SQL for {@code registry_publicendpointrequest}: job paths callable without a token. */
public final class PublicEndpointRepository {
  private final Jdbi jdbi;

  public PublicEndpointRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A request to expose a job path without authentication. */
  public record Request(
      String id, String jobName, String jobVersion, String endpoint, boolean active) {}

  /** Active public endpoints of a job. */
  public List<String> active(String jobId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT endpoint FROM registry_publicendpointrequest WHERE job_id = :job AND active")
                .bind("job", jobId)
                .mapTo(String.class)
                .list());
  }

  /** Requests of one job, or of all jobs when {@code jobId} is null. */
  public List<Request> list(String jobId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT r.id, j.name, j.version, r.endpoint, r.active FROM registry_publicendpointrequest r
                    JOIN registry_job j ON j.id = r.job_id
                    WHERE CAST(:job AS VARCHAR) IS NULL OR r.job_id = :job
                    ORDER BY j.name, j.version, r.endpoint
                    """)
                .bind("job", jobId)
                .map(
                    (rs, ctx) ->
                        new Request(
                            rs.getString("id"),
                            rs.getString("name"),
                            rs.getString("version"),
                            rs.getString("endpoint"),
                            rs.getBoolean("active")))
                .list());
  }

  public boolean setActive(Handle h, String id, boolean active) {
    return h.createUpdate(
                "UPDATE registry_publicendpointrequest SET active = :active WHERE id = :id")
            .bind("id", id)
            .bind("active", active)
            .execute()
        > 0;
  }
}
