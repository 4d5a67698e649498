package dev.racetrack.lifecycle.job;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import dev.racetrack.model.Json;
import dev.racetrack.model.manifest.ManifestFiles;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;

/** SQL for {@code registry_job} and {@code registry_jobfamily}. */
public final class JobRepository {
  static final String COLUMNS =
      """
      j.id, j.name, j.version, j.status, j.create_time, j.update_time, j.manifest, j.internal_name,
      j.error, j.notice, j.image_tag, j.deployed_by, j.last_call_time, j.infrastructure_target,
      j.replica_internal_names, j.job_type_version, j.infrastructure_stats
      """;

  private final Jdbi jdbi;
  private final JobUrls urls;

  public JobRepository(Jdbi jdbi, String externalPubUrl) {
    this(jdbi, JobUrls.underPub(externalPubUrl));
  }

  public JobRepository(Jdbi jdbi, JobUrls urls) {
    this.jdbi = jdbi;
    this.urls = urls;
  }

  /** Where users reach job versions, as this repository's jobs show it. */
  JobUrls urls() {
    return urls;
  }

  public Optional<Job> find(String name, String version) {
    return jdbi.withHandle(h -> find(h, name, version));
  }

  /**
   * Takes one job version's lock until {@code h}'s transaction ends: a transaction-scoped advisory
   * lock in PostgreSQL (it holds across lifecycle processes), taken where a deployment of the
   * version is created, where a started one is registered and where the version is deleted.
   */
  public static void lockVersion(Handle h, String name, String version) {
    h.execute("SELECT pg_advisory_xact_lock(hashtext(?))", name + "\n" + version);
  }

  public Optional<Job> find(Handle h, String name, String version) {
    return h.createQuery(
            "SELECT "
                + COLUMNS
                + " FROM registry_job j WHERE j.name = :name AND j.version = :version")
        .bind("name", name)
        .bind("version", version)
        .map((rs, ctx) -> job(rs))
        .findOne();
  }

  /** Versions of a family that version aliases may resolve to (not starting ones). */
  public List<String> aliasCandidates(String name) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT version FROM registry_job WHERE name = :name AND status IN ('running', 'error', 'lost')")
                .bind("name", name)
                .mapTo(String.class)
                .list());
  }

  /** All jobs, most recently updated first. */
  public List<Job> list() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + " FROM registry_job j ORDER BY j.update_time DESC, j.name")
                .map((rs, ctx) -> job(rs))
                .list());
  }

  /**
   * All jobs without their manifests (neither read nor parsed): what the supervisor's pass needs,
   * cheap for 10,000 rows.
   */
  public List<Job> listWithoutManifests() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS.replace("j.manifest,", "CAST(NULL AS TEXT) AS manifest,")
                        + " FROM registry_job j ORDER BY j.update_time DESC, j.name")
                .setFetchSize(1000)
                .map((rs, ctx) -> job(rs))
                .list());
  }

  /**
   * Streams every job without its manifest and statistics (neither read nor parsed), most recently
   * updated first: what the supervisor's pass reads every few seconds, without holding 10,000 rows
   * in memory at once.
   */
  public void forEachWithoutManifests(java.util.function.Consumer<Job> each) {
    String columns =
        COLUMNS
            .replace("j.manifest,", "CAST(NULL AS TEXT) AS manifest,")
            .replace("j.infrastructure_stats", "CAST(NULL AS JSONB) AS infrastructure_stats");
    jdbi.useTransaction(
        h -> {
          try (var rows =
              h
                  .createQuery(
                      "SELECT "
                          + columns
                          + " FROM registry_job j ORDER BY j.update_time DESC, j.name")
                  .setFetchSize(500)
                  .map((rs, ctx) -> job(rs))
                  .stream()) {
            rows.forEach(each);
          }
        });
  }

  /** How many jobs have each status. */
  public Map<JobStatus, Long> countByStatus() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT status, count(*) AS n FROM registry_job GROUP BY status")
                .reduceRows(
                    new java.util.EnumMap<JobStatus, Long>(JobStatus.class),
                    (counts, row) -> {
                      counts.put(
                          JobStatus.fromWire(row.getColumn("status", String.class)),
                          row.getColumn("n", Long.class));
                      return counts;
                    }));
  }

  /** Recomputes every family's newer-version counts; returns how many rows changed. */
  public int refreshNewerVersions() {
    return jdbi.inTransaction(h -> NewerVersions.refresh(h, Optional.empty()));
  }

  /** Jobs a subject may read through family or job permissions. */
  public List<Job> listReadableBy(String authSubjectId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT "
                        + COLUMNS
                        + """
                        FROM registry_job j
                        WHERE EXISTS (SELECT 1 FROM registry_authresourcepermission p
                          WHERE p.auth_subject_id = :subject AND p.scope IN ('read_job', 'full_access')
                            AND p.endpoint IS NULL
                            AND (p.job_id = j.id OR (p.job_id IS NULL AND p.job_family_id = j.family_id)))
                        ORDER BY j.update_time DESC, j.name
                        """)
                .bind("subject", authSubjectId)
                .map((rs, ctx) -> job(rs))
                .list());
  }

  /** The id of a family, created when missing. */
  public String familyId(Handle h, String name) {
    h.createUpdate(
            "INSERT INTO registry_jobfamily (id, name) VALUES (:id, :name) ON CONFLICT (name) DO NOTHING")
        .bind("id", UUID.randomUUID().toString())
        .bind("name", name)
        .execute();
    return h.createQuery("SELECT id FROM registry_jobfamily WHERE name = :name")
        .bind("name", name)
        .mapTo(String.class)
        .one();
  }

  /** Creates the family and returns its id; empty when it exists already. */
  public Optional<String> createFamily(Handle h, String name) {
    String id = UUID.randomUUID().toString();
    int inserted =
        h.createUpdate(
                "INSERT INTO registry_jobfamily (id, name) VALUES (:id, :name) ON CONFLICT (name) DO NOTHING")
            .bind("id", id)
            .bind("name", name)
            .execute();
    return inserted == 1 ? Optional.of(id) : Optional.empty();
  }

  public boolean familyExists(String name) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT EXISTS (SELECT 1 FROM registry_jobfamily WHERE name = :name)")
                .bind("name", name)
                .mapTo(Boolean.class)
                .one());
  }

  /** Fields written when a job version is (re)deployed. */
  public record Deployed(
      String name,
      String version,
      String manifestYaml,
      String internalName,
      List<String> replicas,
      String imageTag,
      String deployedBy,
      String infrastructureTarget,
      String jobTypeVersion,
      Map<String, Object> stats,
      Instant time) {}

  /** Inserts or updates the job row of a deployment; status {@code running}. Returns the job id. */
  public String saveDeployed(Handle h, Deployed d) {
    String familyId = familyId(h, d.name());
    String id =
        h.createQuery(
                """
            INSERT INTO registry_job (id, family_id, name, version, status, create_time, update_time, manifest,
              internal_name, error, notice, image_tag, deployed_by, infrastructure_target, replica_internal_names,
              job_type_version, infrastructure_stats)
            VALUES (:id, :family, :name, :version, 'running', :time, :time, :manifest, :internal, NULL, NULL, :tag,
              :by, :target, :replicas, :jobtype, CAST(:stats AS JSONB))
            ON CONFLICT (name, version) DO UPDATE SET status = 'running', update_time = :time,
              manifest = :manifest, internal_name = :internal, error = NULL, notice = NULL, image_tag = :tag,
              deployed_by = :by, infrastructure_target = :target, replica_internal_names = :replicas,
              job_type_version = :jobtype, infrastructure_stats = CAST(:stats AS JSONB)
            RETURNING id
            """)
            .bind("id", UUID.randomUUID().toString())
            .bind("family", familyId)
            .bind("name", d.name())
            .bind("version", d.version())
            .bind("time", Timestamp.from(d.time()))
            .bind("manifest", d.manifestYaml())
            .bind("internal", d.internalName())
            .bind("tag", d.imageTag())
            .bind("by", d.deployedBy())
            .bind("target", d.infrastructureTarget())
            .bind("replicas", String.join(",", d.replicas()))
            .bind("jobtype", d.jobTypeVersion())
            .bind("stats", Json.write(d.stats()))
            .mapTo(String.class)
            .one();
    NewerVersions.refresh(h, Optional.of(d.name()));
    return id;
  }

  /**
   * What the supervisor observed about a job on {@code infrastructureTarget}, the target its row
   * named when the supervisor read it. An observation is applied only while the row still names
   * that target: a job moved meanwhile keeps what its move registered.
   */
  public record Observed(
      String infrastructureTarget,
      JobStatus status,
      Optional<String> error,
      Optional<String> notice,
      Optional<String> internalName,
      List<String> replicas,
      Map<String, Object> stats,
      Optional<Instant> lastCallTime) {}

  private static final String APPLY_OBSERVED =
      """
      UPDATE registry_job SET status = :status, error = CAST(:error AS TEXT),
        notice = CAST(:notice AS TEXT),
        internal_name = COALESCE(CAST(:internal AS VARCHAR), internal_name),
        replica_internal_names = COALESCE(CAST(:replicas AS TEXT), replica_internal_names),
        infrastructure_stats = COALESCE(CAST(:stats AS JSONB), infrastructure_stats),
        last_call_time = GREATEST(last_call_time, CAST(:last_call AS TIMESTAMPTZ))
      WHERE id = :id AND status <> 'starting' AND infrastructure_target = :target AND (
        status <> :status
        OR error IS DISTINCT FROM CAST(:error AS TEXT)
        OR notice IS DISTINCT FROM CAST(:notice AS TEXT)
        OR (CAST(:internal AS VARCHAR) IS NOT NULL AND internal_name IS DISTINCT FROM CAST(:internal AS VARCHAR))
        OR (CAST(:replicas AS TEXT) IS NOT NULL AND replica_internal_names IS DISTINCT FROM CAST(:replicas AS TEXT))
        OR (CAST(:stats AS JSONB) IS NOT NULL AND infrastructure_stats IS DISTINCT FROM CAST(:stats AS JSONB))
        OR (CAST(:last_call AS TIMESTAMPTZ) IS NOT NULL
            AND (last_call_time IS NULL OR last_call_time < CAST(:last_call AS TIMESTAMPTZ))))
      """;

  /** Applies an observation; returns true when something changed. */
  public boolean applyObserved(String id, Observed o) {
    return applyObserved(Map.of(id, o)) > 0;
  }

  /**
   * Applies observations of many jobs (job id → observation) in one batch; returns how many rows
   * changed.
   */
  public int applyObserved(Map<String, Observed> observations) {
    if (observations.isEmpty()) {
      return 0;
    }
    return jdbi.inTransaction(
        h -> {
          PreparedBatch batch = h.prepareBatch(APPLY_OBSERVED);
          observations.forEach(
              (id, o) ->
                  batch
                      .bind("id", id)
                      .bind("target", o.infrastructureTarget())
                      .bind("status", o.status().wireName())
                      .bind("error", o.error().orElse(null))
                      .bind("notice", o.notice().orElse(null))
                      .bind("internal", o.internalName().orElse(null))
                      .bind(
                          "replicas",
                          o.internalName().isPresent() ? String.join(",", o.replicas()) : null)
                      .bind("stats", o.internalName().isPresent() ? Json.write(o.stats()) : null)
                      .bind("last_call", o.lastCallTime().map(Timestamp::from).orElse(null))
                      .add());
          return Arrays.stream(batch.execute()).map(n -> Math.max(n, 0)).sum();
        });
  }

  /** Deletes a job version's row if it is still {@code starting}; returns whether it did. */
  public boolean deleteStarting(String name, String version) {
    return jdbi.inTransaction(
        h -> {
          boolean deleted =
              h.createUpdate(
                          "DELETE FROM registry_job WHERE name = :name AND version = :version"
                              + " AND status = 'starting'")
                      .bind("name", name)
                      .bind("version", version)
                      .execute()
                  > 0;
          NewerVersions.refresh(h, Optional.of(name));
          return deleted;
        });
  }

  public void delete(Handle h, String id) {
    h.createQuery("DELETE FROM registry_job WHERE id = :id RETURNING name")
        .bind("id", id)
        .mapTo(String.class)
        .findOne()
        .ifPresent(name -> NewerVersions.refresh(h, Optional.of(name)));
  }

  Job job(ResultSet rs) throws SQLException {
    String manifestYaml = rs.getString("manifest");
    String replicas = rs.getString("replica_internal_names");
    String name = rs.getString("name");
    String version = rs.getString("version");
    Timestamp lastCall = rs.getTimestamp("last_call_time");
    return new Job(
        rs.getString("id"),
        name,
        version,
        JobStatus.fromWire(rs.getString("status")),
        rs.getTimestamp("create_time").toInstant().getEpochSecond(),
        rs.getTimestamp("update_time").toInstant().getEpochSecond(),
        manifestYaml == null ? null : parseManifest(manifestYaml),
        manifestYaml,
        rs.getString("internal_name"),
        urls.of(name, version),
        rs.getString("error"),
        rs.getString("notice"),
        rs.getString("image_tag"),
        rs.getString("deployed_by"),
        lastCall == null ? null : lastCall.toInstant().getEpochSecond(),
        rs.getString("infrastructure_target"),
        replicas == null || replicas.isEmpty() ? List.of() : Arrays.asList(replicas.split(",")),
        rs.getString("job_type_version"),
        stats(rs.getString("infrastructure_stats")));
  }

  /** A stored manifest as the API shows it: its YAML parsed, or empty when it does not parse. */
  static Map<String, Object> parseManifest(String yaml) {
    try {
      return ManifestFiles.parseYaml(yaml, "stored manifest");
    } catch (RuntimeException e) {
      return Map.of();
    }
  }

  private static Map<String, Object> stats(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return Json.mapper().readValue(json, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      return Map.of();
    }
  }
}
