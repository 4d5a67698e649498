package dev.racetrack.lifecycle.esc;

import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** SQL for {@code registry_esc}: External Service Consumers. */
public final class EscRepository {
  private final Jdbi jdbi;

  public EscRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** An ESC ({@code EscDto}). */
  public record Esc(String id, String name) {}

  public void insert(Handle h, String id, String name) {
    h.createUpdate("INSERT INTO registry_esc (id, name) VALUES (:id, :name)")
        .bind("id", id)
        .bind("name", name)
        .execute();
  }

  public Optional<Esc> find(String id) {
    return jdbi.withHandle(h -> find(h, id));
  }

  public Optional<Esc> find(Handle h, String id) {
    return h.createQuery("SELECT id, name FROM registry_esc WHERE id = :id")
        .bind("id", id)
        .map((rs, ctx) -> new Esc(rs.getString("id"), rs.getString("name")))
        .findOne();
  }

  public List<Esc> list() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT id, name FROM registry_esc ORDER BY name, id")
                .map((rs, ctx) -> new Esc(rs.getString("id"), rs.getString("name")))
                .list());
  }

  /** Deletes an ESC with its subject, tokens and permissions (cascade). */
  public boolean delete(Handle h, String id) {
    return h.createUpdate("DELETE FROM registry_esc WHERE id = :id").bind("id", id).execute() > 0;
  }
}
