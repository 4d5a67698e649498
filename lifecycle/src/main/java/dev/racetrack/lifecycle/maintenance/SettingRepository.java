package dev.racetrack.lifecycle.maintenance;

import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** Platform settings ({@code registry_setting}: a name and a JSON value). */
final class SettingRepository {
  private final Jdbi jdbi;

  SettingRepository(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** A setting's JSON text; empty when it was never set. */
  Optional<String> read(String name) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT value::text FROM registry_setting WHERE name = :name")
                .bind("name", name)
                .mapTo(String.class)
                .findOne());
  }

  /** Sets a setting to a JSON value, in the caller's transaction. */
  void write(Handle h, String name, String json) {
    h.createUpdate(
            "INSERT INTO registry_setting (name, value) VALUES (:name, CAST(:v AS JSONB))"
                + " ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value")
        .bind("name", name)
        .bind("v", json)
        .execute();
  }
}
