package dev.racetrack.lifecycle.imageregistry;

import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The image references jobs use: the newest successful deployment's image of every job that exists,
 * and the images of deployments still in progress.
 */
public final class ImagesInUseRepository {
  private final Jdbi jdbi;

  public ImagesInUseRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  public List<String> imagesInUse() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT image_name FROM (
                      SELECT DISTINCT ON (d.job_name, d.job_version) d.image_name
                      FROM registry_deployment d
                      JOIN registry_job j ON j.name = d.job_name AND j.version = d.job_version
                      WHERE d.image_name IS NOT NULL AND d.status = 'done'
                      ORDER BY d.job_name, d.job_version, d.update_time DESC
                    ) newest
                    UNION
                    SELECT image_name FROM registry_deployment
                    WHERE image_name IS NOT NULL AND status = 'in_progress'
                    """)
                .mapTo(String.class)
                .list());
  }
}
