package dev.racetrack.lifecycle.auth;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * SQL for {@code registry_internal_token}: the internal tokens issued, by seed, with their expiry
 * and revocation. The token itself is not stored; its seed is its id.
 */
public final class InternalTokenRepository {
  private final Jdbi jdbi;

  public InternalTokenRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** An issued internal token. */
  public record Issued(
      String seed,
      String subject,
      Instant createTime,
      Instant expiryTime,
      Optional<Instant> revokeTime) {}

  public void insert(String seed, String subject, Instant expiry) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO registry_internal_token (seed, subject, expiry_time) VALUES (:seed, :subject, :expiry)")
                .bind("seed", seed)
                .bind("subject", subject)
                .bind("expiry", Timestamp.from(expiry))
                .execute());
  }

  public Optional<Issued> find(String seed) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT seed, subject, create_time, expiry_time, revoke_time FROM registry_internal_token WHERE seed = :seed")
                .bind("seed", seed)
                .map(
                    (rs, ctx) ->
                        new Issued(
                            rs.getString("seed"),
                            rs.getString("subject"),
                            rs.getTimestamp("create_time").toInstant(),
                            rs.getTimestamp("expiry_time").toInstant(),
                            AuthTokenRepository.instant(rs, "revoke_time")))
                .findOne());
  }

  /** Internal tokens not yet expired, newest first. */
  public List<Issued> listUnexpired() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT seed, subject, create_time, expiry_time, revoke_time
                    FROM registry_internal_token WHERE expiry_time > now() ORDER BY create_time DESC
                    """)
                .map(
                    (rs, ctx) ->
                        new Issued(
                            rs.getString("seed"),
                            rs.getString("subject"),
                            rs.getTimestamp("create_time").toInstant(),
                            rs.getTimestamp("expiry_time").toInstant(),
                            AuthTokenRepository.instant(rs, "revoke_time")))
                .list());
  }

  /** Revokes a token by seed; false when no such token was issued (or it was revoked before). */
  public boolean revoke(String seed) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "UPDATE registry_internal_token SET revoke_time = now() WHERE seed = :seed AND revoke_time IS NULL")
                    .bind("seed", seed)
                    .execute())
        > 0;
  }
}
