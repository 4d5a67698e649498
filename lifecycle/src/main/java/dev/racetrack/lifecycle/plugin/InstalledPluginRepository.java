package dev.racetrack.lifecycle.plugin;

import java.util.List;
import org.jdbi.v3.core.Handle;

/** SQL for {@code registry_installed_plugin}, in the caller's transaction. */
final class InstalledPluginRepository {
  private static final long LOCK_ID = 0x5261636550L; // serialises concurrent lifecycle starts

  /** Waits for, then holds until the transaction ends, the lock of the inventory. */
  void lock(Handle h) {
    h.createQuery("SELECT pg_advisory_xact_lock(:id)")
        .bind("id", LOCK_ID)
        .mapTo(String.class)
        .one();
  }

  /** The plugins recorded at the last start. */
  List<PluginInventory.Installed> list(Handle h) {
    return h.createQuery("SELECT name, version, category FROM registry_installed_plugin")
        .map(
            (rs, ctx) ->
                new PluginInventory.Installed(
                    rs.getString("name"), rs.getString("version"), rs.getString("category")))
        .list();
  }

  void delete(Handle h, PluginInventory.Installed plugin) {
    h.createUpdate(
            "DELETE FROM registry_installed_plugin"
                + " WHERE name = :name AND version = :version AND category = :category")
        .bindMethods(plugin)
        .execute();
  }

  void insert(Handle h, PluginInventory.Installed plugin) {
    h.createUpdate(
            "INSERT INTO registry_installed_plugin (name, version, category)"
                + " VALUES (:name, :version, :category)")
        .bindMethods(plugin)
        .execute();
  }
}
