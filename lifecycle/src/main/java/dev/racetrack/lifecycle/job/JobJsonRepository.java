package dev.racetrack.lifecycle.job;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams whole jobs as JSON built by PostgreSQL ({@code row_to_json}), one query and no per-row
 * work in Java: what the unpaged job list and portfolio answer with, 10,000 jobs in a few megabytes
 * a second. The JSON is the {@link dev.racetrack.model.Job} record's (same fields, same values as
 * {@link JobRepository} reads them; JobPagingIT compares them).
 *
 * <p>A job's manifest is stored as YAML; its JSON form is kept beside it ({@code manifest_json},
 * V14), filled here: a row without it (written before V14 or by SQL of its own) is completed in
 * Java from its YAML, and the parsed JSON stored after the answer, so the next listing reads it.
 */
public final class JobJsonRepository {
  private static final Logger LOG = LoggerFactory.getLogger(JobJsonRepository.class);
  private static final int FETCH_SIZE = 500;
  private static final String SORT_MEMORY = "64MB";

  /** At most this many parsed manifests are kept for storing after one listing. */
  private static final int MAX_FILLS = 10_000;

  /** Marks where the name and version go in the pub URL template (never in either). */
  private static final String NAME_MARK = "\u0001";

  private static final String VERSION_MARK = "\u0002";

  /** The {@link dev.racetrack.model.Job} record's JSON fields, in its order. */
  private static final String JOB_JSON =
      """
      CROSS JOIN LATERAL (SELECT j.id, j.name, j.version, j.status,
        CAST(FLOOR(EXTRACT(EPOCH FROM j.create_time)) AS BIGINT) AS create_time,
        CAST(FLOOR(EXTRACT(EPOCH FROM j.update_time)) AS BIGINT) AS update_time,
        j.manifest_json AS manifest, j.manifest AS manifest_yaml, j.internal_name,
        replace(replace(CAST(:pub_url AS TEXT), chr(1), j.name), chr(2), j.version) AS pub_url,
        j.error, j.notice, j.image_tag, j.deployed_by,
        CAST(FLOOR(EXTRACT(EPOCH FROM j.last_call_time)) AS BIGINT) AS last_call_time,
        j.infrastructure_target,
        COALESCE(to_json(string_to_array(NULLIF(rtrim(j.replica_internal_names, ','), ''), ',')),
          CAST('[]' AS JSON)) AS replica_internal_names,
        j.job_type_version,
        CASE WHEN jsonb_typeof(j.infrastructure_stats) = 'object' THEN j.infrastructure_stats
          ELSE CAST('{}' AS JSONB) END AS infrastructure_stats) w
      """;

  private static final String FILL =
      """
      UPDATE registry_job SET manifest_json = CAST(:json AS JSON)
      WHERE id = :id AND xmin = CAST(CAST(:row_version AS TEXT) AS XID) AND manifest_json IS NULL
      """;

  /**
   * A job as its list columns (with its score) and as the API's JSON.
   *
   * @param listed the list columns only (no manifest, error or statistics), for filters
   * @param json the whole job's JSON object, UTF-8
   */
  public record Row(ScoredJob listed, byte[] json) {}

  private record Fill(String id, String rowVersion, String manifestJson) {}

  private final Jdbi jdbi;
  private final String pubUrlTemplate;

  public JobJsonRepository(Jdbi jdbi, JobRepository jobs) {
    this.jdbi = jdbi;
    this.pubUrlTemplate = jobs.urls().of(NAME_MARK, VERSION_MARK);
  }

  /**
   * Streams the jobs a reader may read (all of them when {@code readerSubject} is empty) scored at
   * {@code now} (epoch seconds), in the given order.
   */
  public void forEach(
      Optional<String> readerSubject,
      long now,
      JobScoreRepository.Order order,
      Consumer<Row> each) {
    String sql =
        "SELECT "
            + JobScoreRepository.LIST_COLUMNS
            + ", j.manifest IS NOT NULL AND j.manifest_json IS NULL AS manifest_missing,"
            + " CAST(j.xmin AS TEXT) AS row_version, CAST(row_to_json(w) AS TEXT) AS job_json"
            + JobScoreRepository.SCORE
            + JOB_JSON
            + " WHERE TRUE"
            + (readerSubject.isPresent() ? " AND " + JobScoreRepository.READABLE_BY : "")
            + " ORDER BY "
            + order.sql;
    List<Fill> fills = new ArrayList<>();
    jdbi.useTransaction(
        h -> {
          // The rows are sorted with their JSON (about 1.5 kB a job): in memory, not on disk.
          h.execute("SET LOCAL work_mem = '" + SORT_MEMORY + "'");
          var query =
              h.createQuery(sql)
                  .setFetchSize(FETCH_SIZE)
                  .bind("now", now)
                  .bind("pub_url", pubUrlTemplate);
          readerSubject.ifPresent(subject -> query.bind("subject", subject));
          try (var rows = query.map((rs, ctx) -> row(rs, fills)).stream()) {
            rows.forEach(each);
          }
        });
    store(fills);
  }

  private static Row row(ResultSet rs, List<Fill> fills) throws SQLException {
    ScoredJob listed = JobScoreRepository.scored(rs, JobScoreRepository.listJob(rs));
    byte[] json = rs.getBytes("job_json");
    if (!rs.getBoolean("manifest_missing")) {
      return new Row(listed, json);
    }
    try {
      ObjectNode job = (ObjectNode) Json.mapper().readTree(json);
      String manifestJson =
          Json.write(JobRepository.parseManifest(job.path("manifest_yaml").asText()));
      job.set("manifest", Json.mapper().readTree(manifestJson));
      if (fills.size() < MAX_FILLS) {
        fills.add(new Fill(listed.job().id(), rs.getString("row_version"), manifestJson));
      }
      return new Row(listed, Json.mapper().writeValueAsBytes(job));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "job " + listed.job().id() + ": cannot read the JSON PostgreSQL built", e);
    }
  }

  /**
   * Stores manifests parsed by a listing, for rows not changed since it read them; a failure only
   * leaves them to be parsed again.
   */
  private void store(List<Fill> fills) {
    if (fills.isEmpty()) {
      return;
    }
    try {
      int stored =
          jdbi.inTransaction(
              h -> {
                PreparedBatch batch = h.prepareBatch(FILL);
                for (Fill fill : fills) {
                  batch
                      .bind("id", fill.id())
                      .bind("row_version", fill.rowVersion())
                      .bind("json", fill.manifestJson())
                      .add();
                }
                int n = 0;
                for (int changed : batch.execute()) {
                  n += Math.max(changed, 0);
                }
                return n;
              });
      LOG.info("stored the parsed manifests of {} of {} jobs", stored, fills.size());
    } catch (JdbiException e) {
      LOG.warn(
          "could not store the parsed manifests of {} jobs (they are parsed again next time): {}",
          fills.size(),
          e.getMessage());
    }
  }
}
