package dev.racetrack.lifecycle.records;

import dev.racetrack.model.error.NotFoundException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * Read-only pages of the stored records the admin guide names (users, auth subjects, permissions,
 * deployments with build logs, jobs, job families, ESCs), for the dashboard's record browser. Only
 * listed columns are read: password hashes, token hashes and encrypted secrets never leave.
 */
public final class RecordRepository {
  /** A page of one record type; times are Unix seconds. */
  public record Page(
      String type, long total, int limit, int offset, List<Map<String, Object>> rows) {}

  private static final String EPOCH = "EXTRACT(EPOCH FROM %s)::bigint AS %s";
  private static final Map<String, String[]> TYPES = definitions();

  private final Jdbi jdbi;

  public RecordRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** The record types, in the order the browser lists them. */
  public static List<String> types() {
    return List.copyOf(TYPES.keySet());
  }

  private static Map<String, String[]> definitions() {
    Map<String, String[]> types = new LinkedHashMap<>();
    types.put(
        "users",
        new String[] {
          "SELECT id, username, email, is_active, is_staff, is_superuser, "
              + epoch("date_joined")
              + ", "
              + epoch("last_login")
              + " FROM auth_user ORDER BY id",
          "auth_user"
        });
    types.put(
        "auth_subjects",
        new String[] {
          "SELECT s.id, u.username AS user, e.name AS esc, f.name AS job_family"
              + " FROM registry_authsubject s"
              + " LEFT JOIN auth_user u ON u.id = s.user_id"
              + " LEFT JOIN registry_esc e ON e.id = s.esc_id"
              + " LEFT JOIN registry_jobfamily f ON f.id = s.job_family_id ORDER BY s.id",
          "registry_authsubject"
        });
    types.put(
        "permissions",
        new String[] {
          "SELECT p.id, p.auth_subject_id, p.scope, f.name AS job_family, j.name AS job_name,"
              + " j.version AS job_version, p.endpoint"
              + " FROM registry_authresourcepermission p"
              + " LEFT JOIN registry_jobfamily f ON f.id = p.job_family_id"
              + " LEFT JOIN registry_job j ON j.id = p.job_id ORDER BY p.id",
          "registry_authresourcepermission"
        });
    types.put(
        "deployments",
        new String[] {
          "SELECT id, status, job_name, job_version, deployed_by, "
              + epoch("create_time")
              + ", "
              + epoch("update_time")
              + ", phase, error, image_name, infrastructure_target, warnings, build_logs"
              + " FROM registry_deployment ORDER BY create_time DESC, id",
          "registry_deployment"
        });
    types.put(
        "jobs",
        new String[] {
          "SELECT id, name, version, status, deployed_by, "
              + epoch("create_time")
              + ", "
              + epoch("update_time")
              + ", "
              + epoch("last_call_time")
              + ", infrastructure_target, job_type_version, error, manifest"
              + " FROM registry_job ORDER BY name, version, id",
          "registry_job"
        });
    types.put(
        "job_families",
        new String[] {
          "SELECT id, name FROM registry_jobfamily ORDER BY name, id", "registry_jobfamily"
        });
    types.put(
        "escs",
        new String[] {"SELECT id, name FROM registry_esc ORDER BY name, id", "registry_esc"});
    return types;
  }

  private static String epoch(String column) {
    return String.format(EPOCH, column, column);
  }

  public Page page(String type, int limit, int offset) {
    String[] query = TYPES.get(type);
    if (query == null) {
      throw new NotFoundException(
          "no record type '" + type + "'; types: " + String.join(", ", TYPES.keySet()));
    }
    return jdbi.withHandle(
        h -> {
          long total = h.createQuery("SELECT count(*) FROM " + query[1]).mapTo(Long.class).one();
          List<Map<String, Object>> rows =
              h.createQuery(query[0] + " LIMIT :limit OFFSET :offset")
                  .bind("limit", limit)
                  .bind("offset", offset)
                  .mapToMap()
                  .list();
          return new Page(type, total, limit, offset, rows);
        });
  }
}
