package dev.racetrack.lifecycle.auth;

import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Handle;

/** SQL for {@code registry_authsubject}: the identity tokens and permissions attach to. */
public final class AuthSubjectRepository {

  /** The subject of a user, created on first use. */
  public String forUser(Handle h, int userId) {
    return find(h, "user_id", userId).orElseGet(() -> create(h, "user_id", userId));
  }

  /** The subject of a job family, created on first use. */
  public String forFamily(Handle h, String familyId) {
    return find(h, "job_family_id", familyId).orElseGet(() -> create(h, "job_family_id", familyId));
  }

  /** The subject of an ESC, created on first use. */
  public String forEsc(Handle h, String escId) {
    return find(h, "esc_id", escId).orElseGet(() -> create(h, "esc_id", escId));
  }

  private static Optional<String> find(Handle h, String column, Object owner) {
    return h.createQuery("SELECT id FROM registry_authsubject WHERE " + column + " = :owner")
        .bind("owner", owner)
        .mapTo(String.class)
        .findOne();
  }

  private static String create(Handle h, String column, Object owner) {
    String id = UUID.randomUUID().toString();
    h.createUpdate("INSERT INTO registry_authsubject (id, " + column + ") VALUES (:id, :owner)")
        .bind("id", id)
        .bind("owner", owner)
        .execute();
    return id;
  }
}
