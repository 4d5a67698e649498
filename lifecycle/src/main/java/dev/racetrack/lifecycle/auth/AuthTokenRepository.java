package dev.racetrack.lifecycle.auth;

import dev.racetrack.spi.SecretBox;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * SQL for {@code registry_authtoken}. Tokens are stored encrypted with the secrets key and found by
 * their SHA-256 hash, so a database dump reveals no usable token.
 */
public final class AuthTokenRepository {
  private final Jdbi jdbi;
  private final SecretBox secrets;

  public AuthTokenRepository(Jdbi jdbi, SecretBox secrets) {
    this.jdbi = jdbi;
    this.secrets = secrets;
  }

  /** What a stored token is for (issue #7 §3). */
  public enum Kind {
    /** The long-lived token of the profile, CLI and clients; kept until regenerated. */
    API("api"),
    /** One browser login; expires, and its logout revokes it. */
    SESSION("session");

    private final String column;

    Kind(String column) {
      this.column = column;
    }

    String column() {
      return column;
    }
  }

  /** A token of a subject, decrypted, for showing to its owner or an admin. */
  public record TokenView(
      String id,
      String token,
      Optional<Instant> expiryTime,
      boolean active,
      Optional<Instant> lastUseTime) {}

  public static String hash(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public Optional<StoredToken> findByToken(String token) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT t.id, t.auth_subject_id, t.active, t.expiry_time, t.last_use_time,
                           u.username, u.is_active AS user_active, e.id AS esc_id, e.name AS esc_name,
                           f.name AS family_name
                    FROM registry_authtoken t
                    JOIN registry_authsubject s ON s.id = t.auth_subject_id
                    LEFT JOIN auth_user u ON u.id = s.user_id
                    LEFT JOIN registry_esc e ON e.id = s.esc_id
                    LEFT JOIN registry_jobfamily f ON f.id = s.job_family_id
                    WHERE t.token_hash = :hash
                    """)
                .bind("hash", hash(token))
                .map((rs, ctx) -> stored(rs))
                .findOne());
  }

  private static StoredToken stored(ResultSet rs) throws SQLException {
    SubjectType type;
    String key;
    String display;
    boolean ownerActive = true;
    if (rs.getString("username") != null) {
      type = SubjectType.USER;
      key = rs.getString("username");
      display = key;
      ownerActive = rs.getBoolean("user_active");
    } else if (rs.getString("esc_id") != null) {
      type = SubjectType.ESC;
      key = rs.getString("esc_id");
      display = rs.getString("esc_name");
    } else {
      type = SubjectType.JOB_FAMILY;
      key = rs.getString("family_name");
      display = key;
    }
    return new StoredToken(
        rs.getString("id"),
        rs.getString("auth_subject_id"),
        type,
        key,
        display,
        ownerActive,
        rs.getBoolean("active"),
        instant(rs, "expiry_time"),
        instant(rs, "last_use_time"));
  }

  static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    Timestamp ts = rs.getTimestamp(column);
    return ts == null ? Optional.empty() : Optional.of(ts.toInstant());
  }

  /** Stores a new token of a subject. */
  public String insert(
      Handle h, String authSubjectId, String token, Optional<Instant> expiry, Kind kind) {
    String id = UUID.randomUUID().toString();
    h.createUpdate(
            """
            INSERT INTO registry_authtoken (id, auth_subject_id, token, token_hash, expiry_time, kind)
            VALUES (:id, :subject, :token, :hash, :expiry, :kind)
            """)
        .bind("id", id)
        .bind("kind", kind.column())
        .bind("subject", authSubjectId)
        .bind("token", secrets.encrypt(token))
        .bind("hash", hash(token))
        .bind("expiry", expiry.map(Timestamp::from).orElse(null))
        .execute();
    return id;
  }

  /** Stores a new API token of a subject. */
  public String insert(Handle h, String authSubjectId, String token, Optional<Instant> expiry) {
    return insert(h, authSubjectId, token, expiry, Kind.API);
  }

  /** API tokens of a subject (not browser sessions), oldest first, decrypted. */
  public List<TokenView> listForSubject(String authSubjectId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT id, token, expiry_time, active, last_use_time FROM registry_authtoken
                    WHERE auth_subject_id = :subject AND kind = 'api' ORDER BY create_time, id
                    """)
                .bind("subject", authSubjectId)
                .map(
                    (rs, ctx) ->
                        new TokenView(
                            rs.getString("id"),
                            secrets.decrypt(rs.getString("token")),
                            instant(rs, "expiry_time"),
                            rs.getBoolean("active"),
                            instant(rs, "last_use_time")))
                .list());
  }

  /** A token row and the subject it belongs to (for re-signing). */
  public record Owned(String id, String authSubjectId, SubjectType type, String subjectKey) {}

  /** Every API token of every subject of a kind (users, ESCs or job families). */
  public List<Owned> listByType(SubjectType type) {
    String join =
        switch (type) {
          case USER -> "JOIN auth_user o ON o.id = s.user_id";
          case ESC -> "JOIN registry_esc o ON o.id = s.esc_id";
          case JOB_FAMILY -> "JOIN registry_jobfamily o ON o.id = s.job_family_id";
          case INTERNAL -> throw new IllegalArgumentException("internal tokens are not stored");
        };
    String key =
        switch (type) {
          case USER -> "o.username";
          case ESC -> "o.id";
          default -> "o.name";
        };
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT t.id, t.auth_subject_id, "
                        + key
                        + " AS subject_key FROM registry_authtoken t JOIN registry_authsubject s ON s.id ="
                        + " t.auth_subject_id "
                        + join
                        + " WHERE t.kind = 'api' ORDER BY t.create_time")
                .map(
                    (rs, ctx) ->
                        new Owned(
                            rs.getString("id"),
                            rs.getString("auth_subject_id"),
                            type,
                            rs.getString("subject_key")))
                .list());
  }

  /** Replaces a token's value (re-signing), keeping its expiry and active flag. */
  public void replace(Handle h, String tokenId, String token) {
    h.createUpdate(
            "UPDATE registry_authtoken SET token = :token, token_hash = :hash, last_use_time = NULL WHERE id = :id")
        .bind("id", tokenId)
        .bind("token", secrets.encrypt(token))
        .bind("hash", hash(token))
        .execute();
  }

  /** Deletes (revokes) one token of a subject; false when there was no such token. */
  public boolean delete(Handle h, String authSubjectId, String tokenId) {
    return h.createUpdate(
                "DELETE FROM registry_authtoken WHERE id = :id AND auth_subject_id = :subject")
            .bind("id", tokenId)
            .bind("subject", authSubjectId)
            .execute()
        > 0;
  }

  /** Revokes a browser session token; an API token given here is left alone. */
  public boolean revokeSession(String token) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        "DELETE FROM registry_authtoken WHERE token_hash = :hash AND kind = 'session'")
                    .bind("hash", hash(token))
                    .execute())
        > 0;
  }

  /** Revokes every browser session of a subject. */
  public int revokeSessions(Handle h, String authSubjectId) {
    return h.createUpdate(
            "DELETE FROM registry_authtoken WHERE auth_subject_id = :subject AND kind = 'session'")
        .bind("subject", authSubjectId)
        .execute();
  }

  /** Records a use of the token, at most once a day. */
  public void touch(String tokenId) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
                    UPDATE registry_authtoken SET last_use_time = now()
                    WHERE id = :id AND (last_use_time IS NULL OR last_use_time::date <> now()::date)
                    """)
                .bind("id", tokenId)
                .execute());
  }
}
