package dev.racetrack.lifecycle.job;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/** SQL for {@code registry_publicendpointrequest}: job paths callable without a token. */
public final class PublicEndpointRepository {
  private final Jdbi jdbi;

  public PublicEndpointRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

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
}
