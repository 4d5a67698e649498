package dev.racetrack.lifecycle.asynccall;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.AsyncJobCall;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * SQL for {@code registry_asyncjobcall}: PUB's async job calls. A PUB owns an ongoing call through
 * a lease ({@code owner_id}, {@code lease_until}, measured on the database's clock); only the owner
 * may renew or end it, and a call whose lease expired is claimed atomically by one PUB.
 */
public final class AsyncCallRepository {
  private static final String COLUMNS =
      """
      id, status, extract(epoch FROM started_at) AS started, extract(epoch FROM ended_at) AS ended,
      error, job_name, job_version, job_path, request_method, request_url, request_headers,
      request_body, response_status_code, response_headers, response_body, attempts,
      pub_instance_addr, retriable_error, owner_id, extract(epoch FROM lease_until) AS lease
      """;

  private final Jdbi jdbi;

  public AsyncCallRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Stores a new call owned by {@code call.ownerId()} for {@code lease} from now. */
  public AsyncJobCall insert(AsyncJobCall call, Duration lease) {
    return jdbi.withHandle(
        h ->
            bindCall(
                    h.createQuery(
                        """
                        INSERT INTO registry_asyncjobcall (id, status, started_at, ended_at, error,
                          job_name, job_version, job_path, request_method, request_url,
                          request_headers, request_body, response_status_code, response_headers,
                          response_body, attempts, pub_instance_addr, retriable_error, owner_id,
                          lease_until)
                        VALUES (:id, :status, to_timestamp(:started), to_timestamp(:ended), :error,
                          :job_name, :job_version, :job_path, :request_method, :request_url,
                          CAST(:request_headers AS JSONB), :request_body, :response_status_code,
                          CAST(:response_headers AS JSONB), :response_body, :attempts,
                          :pub_instance_addr, :retriable_error, :owner_id,
                          now() + make_interval(secs => :lease))
                        RETURNING
                        """
                            + COLUMNS),
                    call)
                .bind("lease", seconds(lease))
                .map((rs, ctx) -> read(rs))
                .one());
  }

  public Optional<AsyncJobCall> find(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT " + COLUMNS + " FROM registry_asyncjobcall WHERE id = :id")
                .bind("id", id)
                .map((rs, ctx) -> read(rs))
                .findOne());
  }

  /**
   * Writes the owner's new state of an ongoing call (another attempt, or its end) and renews the
   * lease; empty when {@code call.ownerId()} no longer owns it (or it already ended).
   */
  public Optional<AsyncJobCall> update(AsyncJobCall call, Duration lease) {
    return jdbi.withHandle(
        h ->
            bindCall(
                    h.createQuery(
                        """
                        UPDATE registry_asyncjobcall SET status = :status,
                          ended_at = to_timestamp(:ended), error = :error,
                          response_status_code = :response_status_code,
                          response_headers = CAST(:response_headers AS JSONB),
                          response_body = :response_body, attempts = :attempts,
                          retriable_error = :retriable_error,
                          lease_until = now() + make_interval(secs => :lease)
                        WHERE id = :id AND owner_id = :owner_id AND status = 'ongoing'
                        RETURNING
                        """
                            + COLUMNS),
                    call)
                .bind("lease", seconds(lease))
                .map((rs, ctx) -> read(rs))
                .findOne());
  }

  /** Extends the owner's lease of an ongoing call; false when it is not the owner any more. */
  public boolean renew(String id, String ownerId, Duration lease) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                        """
                        UPDATE registry_asyncjobcall
                        SET lease_until = now() + make_interval(secs => :lease)
                        WHERE id = :id AND owner_id = :owner AND status = 'ongoing'
                        """)
                    .bind("id", id)
                    .bind("owner", ownerId)
                    .bind("lease", seconds(lease))
                    .execute()
                > 0);
  }

  /**
   * Takes over at most {@code limit} ongoing calls whose lease expired: each becomes {@code
   * ownerId}'s for {@code lease}, with one more attempt counted. Rows another claimer is taking are
   * skipped, so no call is claimed twice.
   */
  public List<AsyncJobCall> claim(String ownerId, Duration lease, int limit) {
    return jdbi.inTransaction(
        h ->
            h.createQuery(
                    """
                    UPDATE registry_asyncjobcall
                    SET owner_id = :owner, attempts = attempts + 1,
                        lease_until = now() + make_interval(secs => :lease)
                    WHERE id IN (
                      SELECT id FROM registry_asyncjobcall
                      WHERE status = 'ongoing' AND (lease_until IS NULL OR lease_until < now())
                      ORDER BY started_at LIMIT :limit
                      FOR UPDATE SKIP LOCKED)
                    RETURNING
                    """
                        + COLUMNS)
                .bind("owner", ownerId)
                .bind("lease", seconds(lease))
                .bind("limit", limit)
                .map((rs, ctx) -> read(rs))
                .list());
  }

  public boolean delete(String id) {
    return jdbi.withHandle(
        h ->
            h.createUpdate("DELETE FROM registry_asyncjobcall WHERE id = :id")
                    .bind("id", id)
                    .execute()
                > 0);
  }

  /** Deletes the calls started more than {@code lifetime} ago; returns how many. */
  public int deleteStartedBefore(Duration lifetime) {
    return jdbi.withHandle(
        h ->
            h.createUpdate(
                    "DELETE FROM registry_asyncjobcall"
                        + " WHERE started_at < now() - make_interval(secs => :s)")
                .bind("s", seconds(lifetime))
                .execute());
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  private static <T extends SqlStatement<T>> T bindCall(T statement, AsyncJobCall call) {
    return statement
        .bind("id", call.id())
        .bind("status", call.status())
        .bind("started", call.startedAt())
        .bind("ended", call.endedAt())
        .bind("error", call.error())
        .bind("job_name", call.jobName())
        .bind("job_version", call.jobVersion())
        .bind("job_path", call.jobPath())
        .bind("request_method", call.requestMethod())
        .bind("request_url", call.requestUrl())
        .bind("request_headers", Json.write(call.requestHeaders()))
        .bind("request_body", call.requestBody())
        .bind("response_status_code", call.responseStatusCode())
        .bind("response_headers", Json.write(call.responseHeaders()))
        .bind("response_body", call.responseBody())
        .bind("attempts", call.attempts())
        .bind("pub_instance_addr", call.pubInstanceAddr())
        .bind("retriable_error", call.retriableError())
        .bind("owner_id", call.ownerId());
  }

  private static AsyncJobCall read(ResultSet rs) throws SQLException {
    return new AsyncJobCall(
        rs.getString("id"),
        rs.getString("status"),
        rs.getDouble("started"),
        nullableDouble(rs, "ended"),
        rs.getString("error"),
        rs.getString("job_name"),
        rs.getString("job_version"),
        rs.getString("job_path"),
        rs.getString("request_method"),
        rs.getString("request_url"),
        headers(rs.getString("request_headers")),
        rs.getBytes("request_body"),
        (Integer) rs.getObject("response_status_code"),
        headers(rs.getString("response_headers")),
        rs.getBytes("response_body"),
        rs.getInt("attempts"),
        rs.getString("pub_instance_addr"),
        rs.getBoolean("retriable_error"),
        rs.getString("owner_id"),
        nullableDouble(rs, "lease"));
  }

  private static Double nullableDouble(ResultSet rs, String column) throws SQLException {
    double value = rs.getDouble(column);
    return rs.wasNull() ? null : value;
  }

  private static Map<String, String> headers(String json) {
    if (json == null) {
      return Map.of();
    }
    try {
      return Json.mapper().readValue(json, new TypeReference<Map<String, String>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
