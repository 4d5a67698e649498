package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.database.TimeIdCursor;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.model.Deployment;
import dev.racetrack.model.DeploymentStatus;
import dev.racetrack.model.error.AlreadyExistsException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;

/** SQL for {@code registry_deployment}. */
public final class DeploymentRepository {
  private static final String COLUMNS =
      "id, status, create_time, update_time, error, deployed_by, phase, image_name, infrastructure_target,"
          + " manifest, job_name, job_version, warnings";

  private final Jdbi jdbi;

  public DeploymentRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Creates an in-progress deployment, refusing when another one of the same job version is still
   * active (updated within the last 5 minutes).
   */
  public String create(
      String jobName, String jobVersion, String manifestYaml, String deployedBy, String target) {
    return jdbi.inTransaction(
        h -> {
          // Serialise concurrent requests for the same job version.
          JobRepository.lockVersion(h, jobName, jobVersion);
          boolean ongoing =
              h.createQuery(
                      """
                      SELECT EXISTS (SELECT 1 FROM registry_deployment WHERE job_name = :name AND job_version = :version
                        AND status = 'in_progress' AND update_time > now() - interval '5 minutes')
                      """)
                  .bind("name", jobName)
                  .bind("version", jobVersion)
                  .mapTo(Boolean.class)
                  .one();
          if (ongoing) {
            throw new AlreadyExistsException(
                "There's already ongoing deployment of job "
                    + jobName
                    + " v"
                    + jobVersion
                    + ". Please wait until it finishes.");
          }
          String id = UUID.randomUUID().toString();
          h.createUpdate(
                  """
                  INSERT INTO registry_deployment (id, status, manifest, job_name, job_version, deployed_by,
                    infrastructure_target, phase)
                  VALUES (:id, 'in_progress', :manifest, :name, :version, :by, :target, 'queued')
                  """)
              .bind("id", id)
              .bind("manifest", manifestYaml)
              .bind("name", jobName)
              .bind("version", jobVersion)
              .bind("by", deployedBy)
              .bind("target", target)
              .execute();
          return id;
        });
  }

  /** In-progress deployments started by a user and still active (updated in the last 5 minutes). */
  public int countActiveBy(String deployedBy) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT count(*) FROM registry_deployment WHERE deployed_by = :by
                      AND status = 'in_progress' AND update_time > now() - interval '5 minutes'
                    """)
                .bind("by", deployedBy)
                .mapTo(Integer.class)
                .one());
  }

  public Optional<Deployment> find(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM registry_deployment WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> deployment(rs))
                .findOne());
  }

  /** A page of deployments, most recently updated first, and where the next page starts. */
  public record Page(List<Deployment> items, Optional<TimeIdCursor> next) {}

  /**
   * Deployments most recently updated first, {@code limit} of them from {@code after} (keyset
   * paging on (update_time, id); a deployment updated between two pages moves to the first page).
   */
  public Page page(int limit, Optional<TimeIdCursor> after) {
    return page("TRUE", Map.of(), limit, after);
  }

  /**
   * As {@link #page}, of the deployments the subject may see: its user's own ({@code username}) and
   * those of jobs it may read.
   */
  public Page pageVisible(
      String authSubjectId, String username, int limit, Optional<TimeIdCursor> after) {
    return page(
        "(d.deployed_by = :username OR "
            + PermissionRepository.readableJobCondition("d.job_name", "d.job_version")
            + ")",
        Map.of("subject", authSubjectId, "username", username),
        limit,
        after);
  }

  private Page page(
      String condition, Map<String, String> binds, int limit, Optional<TimeIdCursor> after) {
    List<Row> rows =
        jdbi.withHandle(
            h -> {
              var query =
                  h.createQuery(
                          "SELECT "
                              + COLUMNS
                              + " FROM registry_deployment d WHERE "
                              + condition
                              + (after.isPresent()
                                  ? " AND (d.update_time, d.id) < (:after_time, :after_id)"
                                  : "")
                              + " ORDER BY d.update_time DESC, d.id DESC LIMIT :limit")
                      .bind("limit", limit + 1);
              binds.forEach(query::bind);
              after.ifPresent(
                  c ->
                      query
                          .bind("after_time", Timestamp.from(c.timestamp()))
                          .bind("after_id", c.id()));
              return query
                  .map(
                      (rs, ctx) ->
                          new Row(
                              deployment(rs),
                              new TimeIdCursor(
                                  rs.getTimestamp("update_time").toInstant(), rs.getString("id"))))
                  .list();
            });
    boolean more = rows.size() > limit;
    List<Row> shown = more ? rows.subList(0, limit) : rows;
    return new Page(
        shown.stream().map(Row::deployment).toList(),
        more ? Optional.of(shown.getLast().position()) : Optional.empty());
  }

  private record Row(Deployment deployment, TimeIdCursor position) {}

  /** The most recently updated deployment of a job version that built it (has a build log). */
  public Optional<Deployment> latestForJob(String jobName, String jobVersion) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM registry_deployment WHERE job_name = :name AND job_version = :version"
                        + " AND build_logs IS NOT NULL ORDER BY update_time DESC LIMIT 1")
                .bind("name", jobName)
                .bind("version", jobVersion)
                .map((rs, ctx) -> deployment(rs))
                .findOne());
  }

  /** The build log stored with a deployment. */
  public Optional<String> buildLogs(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT build_logs FROM registry_deployment WHERE id = :id")
                .bind("id", id)
                .mapTo(String.class)
                .findOne());
  }

  public void setPhase(String id, String phase) {
    execute(
        "UPDATE registry_deployment SET phase = :phase, update_time = now() WHERE id = :id AND status = 'in_progress'",
        Map.of("id", id, "phase", phase));
  }

  /** Marks the deployment as still alive (long builds). */
  public void touch(String id) {
    execute(
        "UPDATE registry_deployment SET update_time = now() WHERE id = :id AND status = 'in_progress'",
        Map.of("id", id));
  }

  public void addWarning(String id, String warning) {
    execute(
        "UPDATE registry_deployment SET warnings = CASE WHEN warnings IS NULL OR warnings = '' THEN :w"
            + " ELSE warnings || E'\\n' || :w END, update_time = now() WHERE id = :id",
        Map.of("id", id, "w", warning));
  }

  public void saveBuild(String id, String buildLogs, Optional<String> imageName) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE registry_deployment SET build_logs = :logs, image_name = :image, update_time = now() WHERE id = :id")
                .bind("id", id)
                .bind("logs", buildLogs)
                .bind("image", imageName.orElse(null))
                .execute());
  }

  /** Records the artifact a deployment started without building it. */
  public void setImage(String id, String image) {
    execute(
        "UPDATE registry_deployment SET image_name = :image, update_time = now() WHERE id = :id",
        Map.of("id", id, "image", image));
  }

  /** The artifact of a job version's last successful deployment. */
  public Optional<String> lastImage(String jobName, String jobVersion) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT image_name FROM registry_deployment WHERE job_name = :name AND job_version = :version"
                        + " AND status = 'done' AND image_name IS NOT NULL ORDER BY update_time DESC LIMIT 1")
                .bind("name", jobName)
                .bind("version", jobVersion)
                .mapTo(String.class)
                .findOne());
  }

  /** The artifact or image of every job version's last successful deployment. */
  public List<String> latestDoneImages() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT DISTINCT ON (job_name, job_version) image_name FROM registry_deployment
                    WHERE image_name IS NOT NULL AND status = 'done'
                    ORDER BY job_name, job_version, update_time DESC
                    """)
                .mapTo(String.class)
                .list());
  }

  public void markDone(String id) {

    execute(
        "UPDATE registry_deployment SET status = 'done', phase = NULL, error = NULL, update_time = now() WHERE id = :id",
        Map.of("id", id));
  }

  public void markFailed(String id, String error) {
    execute(
        "UPDATE registry_deployment SET status = 'failed', error = :error, update_time = now() WHERE id = :id",
        Map.of("id", id, "error", error));
  }

  /**
   * Fails deployments left in progress by a previous platform process (a deployment cannot survive
   * a restart of the process running it).
   */
  public int failInterrupted() {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                    "UPDATE registry_deployment SET status = 'failed', error = 'halted due to server restart',"
                        + " update_time = now() WHERE status = 'in_progress'")
                .execute());
  }

  private void execute(String sql, Map<String, String> binds) {
    jdbi.useHandle(h -> h.createUpdate(sql).bindMap(binds).execute());
  }

  private static Deployment deployment(ResultSet rs) throws SQLException {
    return new Deployment(
        rs.getString("id"),
        DeploymentStatus.fromWire(rs.getString("status")),
        rs.getTimestamp("create_time").toInstant().getEpochSecond(),
        rs.getTimestamp("update_time").toInstant().getEpochSecond(),
        rs.getString("error"),
        null,
        rs.getString("deployed_by"),
        rs.getString("phase"),
        rs.getString("image_name"),
        rs.getString("infrastructure_target"),
        rs.getString("manifest"),
        rs.getString("job_name"),
        rs.getString("job_version"),
        rs.getString("warnings"));
  }
}
