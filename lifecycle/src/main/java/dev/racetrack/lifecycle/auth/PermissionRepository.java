package dev.racetrack.lifecycle.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * SQL for {@code registry_authresourcepermission}. A permission grants a scope to a subject,
 * optionally narrowed to a job family, one job, and one endpoint; {@code full_access} covers every
 * scope. Unlike the original, a job filter compares the job itself (name and version).
 */
public final class PermissionRepository {
  private final Jdbi jdbi;

  public PermissionRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * True when the subject has the scope on everything: a grant narrowed to a family, a job or an
   * endpoint never counts as a global one.
   */
  public boolean hasScope(String authSubjectId, AuthScope scope) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT EXISTS (SELECT 1 FROM registry_authresourcepermission
                    WHERE auth_subject_id = :subject AND scope IN (:scope, 'full_access')
                      AND job_family_id IS NULL AND job_id IS NULL AND endpoint IS NULL)
                    """)
                .bind("subject", authSubjectId)
                .bind("scope", scope.wireName())
                .mapTo(Boolean.class)
                .one());
  }

  /** True when the subject has the scope on something, however narrowed (for listings). */
  public boolean hasScopeAnywhere(String authSubjectId, AuthScope scope) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT EXISTS (SELECT 1 FROM registry_authresourcepermission
                    WHERE auth_subject_id = :subject AND scope IN (:scope, 'full_access'))
                    """)
                .bind("subject", authSubjectId)
                .bind("scope", scope.wireName())
                .mapTo(Boolean.class)
                .one());
  }

  /**
   * True when the subject has the scope on the job {@code name} {@code version} (a version of ""
   * stands for a job that does not exist yet) and, if given, on the endpoint. Without an endpoint
   * the question is about the whole job, which a grant narrowed to one endpoint does not cover.
   */
  public boolean hasResourceScope(
      String authSubjectId,
      AuthScope scope,
      String jobName,
      String jobVersion,
      Optional<String> endpoint) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT EXISTS (
                      SELECT 1 FROM registry_authresourcepermission p
                      LEFT JOIN registry_jobfamily f ON f.id = p.job_family_id
                      LEFT JOIN registry_job j ON j.id = p.job_id
                      WHERE p.auth_subject_id = :subject
                        AND p.scope IN (:scope, 'full_access')
                        AND (p.job_family_id IS NULL OR f.name = :name)
                        AND (p.job_id IS NULL OR (j.name = :name AND j.version = :version))
                        AND (p.endpoint IS NULL OR p.endpoint = CAST(:endpoint AS VARCHAR)))
                    """)
                .bind("subject", authSubjectId)
                .bind("scope", scope.wireName())
                .bind("name", jobName)
                .bind("version", jobVersion)
                .bind("endpoint", endpoint.orElse(null))
                .mapTo(Boolean.class)
                .one());
  }

  /**
   * Grants a scope (idempotent): on one job when {@code jobId} is given, on a family when only
   * {@code familyId} is, on everything otherwise.
   */
  public void grant(
      Handle h,
      String authSubjectId,
      AuthScope scope,
      Optional<String> familyId,
      Optional<String> jobId) {
    boolean exists =
        h.createQuery(
                """
                SELECT EXISTS (SELECT 1 FROM registry_authresourcepermission
                WHERE auth_subject_id = :subject AND scope = :scope AND endpoint IS NULL
                  AND job_family_id IS NOT DISTINCT FROM CAST(:family AS VARCHAR)
                  AND job_id IS NOT DISTINCT FROM CAST(:job AS VARCHAR))
                """)
            .bind("subject", authSubjectId)
            .bind("scope", scope.wireName())
            .bind("family", familyId.orElse(null))
            .bind("job", jobId.orElse(null))
            .mapTo(Boolean.class)
            .one();
    if (!exists) {
      h.createUpdate(
              """
              INSERT INTO registry_authresourcepermission (auth_subject_id, scope, job_family_id, job_id)
              VALUES (:subject, :scope, :family, :job)
              """)
          .bind("subject", authSubjectId)
          .bind("scope", scope.wireName())
          .bind("family", familyId.orElse(null))
          .bind("job", jobId.orElse(null))
          .execute();
    }
  }

  /** A permission as staff see it. */
  public record PermissionView(
      long id,
      String authSubjectId,
      String subjectType,
      String subjectName,
      String scope,
      String jobFamily,
      String jobName,
      String jobVersion,
      String endpoint) {
    /** E.g. {@code User: admin}, {@code ESC: billing}, {@code Job Family: adder}. */
    @JsonProperty("subject")
    public String subject() {

      return switch (subjectType) {
            case "user" -> "User: ";
            case "esc" -> "ESC: ";
            default -> "Job Family: ";
          }
          + subjectName;
    }
  }

  /** Filters of a permission listing; empty means "any". */
  public record Filter(
      Optional<String> subjectType,
      Optional<String> subjectName,
      Optional<String> scope,
      Optional<String> family,
      Optional<String> jobName) {}

  public List<PermissionView> list(Filter filter) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT p.id, p.auth_subject_id, p.scope, p.endpoint, f.name AS family, j.name AS job_name,
                      j.version AS job_version,
                      CASE WHEN s.user_id IS NOT NULL THEN 'user' WHEN s.esc_id IS NOT NULL THEN 'esc' ELSE 'job_family' END AS subject_type,
                      COALESCE(u.username, e.name, sf.name) AS subject_name
                    FROM registry_authresourcepermission p
                    JOIN registry_authsubject s ON s.id = p.auth_subject_id
                    LEFT JOIN auth_user u ON u.id = s.user_id
                    LEFT JOIN registry_esc e ON e.id = s.esc_id
                    LEFT JOIN registry_jobfamily sf ON sf.id = s.job_family_id
                    LEFT JOIN registry_jobfamily f ON f.id = p.job_family_id
                    LEFT JOIN registry_job j ON j.id = p.job_id
                    WHERE (CAST(:scope AS VARCHAR) IS NULL OR p.scope = :scope)
                      AND (CAST(:family AS VARCHAR) IS NULL OR f.name = :family)
                      AND (CAST(:job AS VARCHAR) IS NULL OR j.name = :job)
                      AND (CAST(:stype AS VARCHAR) IS NULL OR
                           CASE WHEN s.user_id IS NOT NULL THEN 'user' WHEN s.esc_id IS NOT NULL THEN 'esc' ELSE 'job_family' END = :stype)
                      AND (CAST(:sname AS VARCHAR) IS NULL OR COALESCE(u.username, e.name, sf.name) = :sname OR e.id = :sname)
                    ORDER BY p.id
                    """)
                .bind("scope", filter.scope().orElse(null))
                .bind("family", filter.family().orElse(null))
                .bind("job", filter.jobName().orElse(null))
                .bind("stype", filter.subjectType().orElse(null))
                .bind("sname", filter.subjectName().orElse(null))
                .map(
                    (rs, ctx) ->
                        new PermissionView(
                            rs.getLong("id"),
                            rs.getString("auth_subject_id"),
                            rs.getString("subject_type"),
                            rs.getString("subject_name"),
                            rs.getString("scope"),
                            rs.getString("family"),
                            rs.getString("job_name"),
                            rs.getString("job_version"),
                            rs.getString("endpoint")))
                .list());
  }

  /** Inserts a permission (with an optional endpoint filter) and returns its id. */
  public long insert(
      Handle h,
      String authSubjectId,
      AuthScope scope,
      Optional<String> familyId,
      Optional<String> jobId,
      Optional<String> endpoint) {
    return h.createUpdate(
            """
            INSERT INTO registry_authresourcepermission (auth_subject_id, scope, job_family_id, job_id, endpoint)
            VALUES (:subject, :scope, :family, :job, :endpoint)
            """)
        .bind("subject", authSubjectId)
        .bind("scope", scope.wireName())
        .bind("family", familyId.orElse(null))
        .bind("job", jobId.orElse(null))
        .bind("endpoint", endpoint.orElse(null))
        .executeAndReturnGeneratedKeys("id")
        .mapTo(Long.class)
        .one();
  }

  public boolean delete(Handle h, long id) {
    return h.createUpdate("DELETE FROM registry_authresourcepermission WHERE id = :id")
            .bind("id", id)
            .execute()
        > 0;
  }

  /**
   * An SQL condition, true when the subject bound as {@code :subject} may read the job version in
   * the given columns (a family or job grant of {@code read_job} or {@code full_access}, not
   * narrowed to an endpoint). A version that is not deployed is readable through family grants.
   */
  public static String readableJobCondition(String nameColumn, String versionColumn) {
    return """
        EXISTS (SELECT 1 FROM registry_authresourcepermission rp
          LEFT JOIN registry_jobfamily rf ON rf.id = rp.job_family_id
          LEFT JOIN registry_job rj ON rj.id = rp.job_id
          WHERE rp.auth_subject_id = :subject AND rp.scope IN ('read_job', 'full_access')
            AND rp.endpoint IS NULL
            AND (rp.job_family_id IS NULL OR rf.name = %1$s)
            AND (rp.job_id IS NULL OR (rj.name = %1$s AND rj.version = %2$s)))
        """
        .formatted(nameColumn, versionColumn);
  }

  /** True when the subject may read every job (a read permission without family or job filter). */
  public boolean readsEverything(String authSubjectId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT EXISTS (SELECT 1 FROM registry_authresourcepermission
                    WHERE auth_subject_id = :subject AND scope IN ('read_job', 'full_access')
                      AND job_family_id IS NULL AND job_id IS NULL AND endpoint IS NULL)
                    """)
                .bind("subject", authSubjectId)
                .mapTo(Boolean.class)
                .one());
  }

  /**
   * A call permission: {@code subjectKind} is {@code user}, {@code esc} or {@code job_family};
   * {@code family} and {@code jobId} are empty for a grant on every job.
   */
  public record CallPermission(
      String subjectKind,
      String subjectId,
      String subjectName,
      Optional<String> family,
      Optional<String> jobId) {}

  /**
   * Who may call what (for the permission graph): {@code call_job} and {@code full_access} grants
   * with their subject's kind, id and name, those about one family's jobs (and global ones) only
   * when a family is given.
   */
  public List<CallPermission> callPermissions(Optional<String> family) {
    return jdbi.withHandle(
        h -> {
          var query =
              h.createQuery(
                  """
                  SELECT CASE WHEN s.user_id IS NOT NULL THEN 'user' WHEN s.esc_id IS NOT NULL THEN 'esc' ELSE 'job_family' END AS kind,
                    COALESCE(CAST(s.user_id AS VARCHAR), s.esc_id, s.job_family_id) AS subject_id,
                    COALESCE(u.username, e.name, sf.name) AS subject_name, f.name AS family, p.job_id
                  FROM registry_authresourcepermission p
                  JOIN registry_authsubject s ON s.id = p.auth_subject_id
                  LEFT JOIN auth_user u ON u.id = s.user_id
                  LEFT JOIN registry_esc e ON e.id = s.esc_id
                  LEFT JOIN registry_jobfamily sf ON sf.id = s.job_family_id
                  LEFT JOIN registry_jobfamily f ON f.id = p.job_family_id
                  LEFT JOIN registry_job pj ON pj.id = p.job_id
                  WHERE p.scope IN ('call_job', 'full_access')
                  """
                      + (family.isPresent()
                          ? " AND (f.name = :family OR pj.name = :family"
                              + " OR (p.job_id IS NULL AND p.job_family_id IS NULL))"
                          : "")
                      + " ORDER BY kind, subject_name");
          family.ifPresent(f -> query.bind("family", f));
          return query
              .map(
                  (rs, ctx) ->
                      new CallPermission(
                          rs.getString("kind"),
                          rs.getString("subject_id"),
                          rs.getString("subject_name"),
                          Optional.ofNullable(rs.getString("family")),
                          Optional.ofNullable(rs.getString("job_id"))))
              .list();
        });
  }
}
