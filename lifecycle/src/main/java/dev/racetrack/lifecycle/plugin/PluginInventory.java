package dev.racetrack.lifecycle.plugin;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.spi.InfrastructurePlugin;
import dev.racetrack.spi.JobType;
import dev.racetrack.spi.Plugins;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugins this platform runs with: job types and infrastructure plugins found on the class
 * path. On start-up the set is compared with the one recorded in the database, and every plugin
 * that appeared or disappeared is recorded in the audit log ({@code plugin_installed}, {@code
 * plugin_uninstalled}) as done by {@value #EXECUTOR}.
 */
public final class PluginInventory {
  private static final Logger LOG = LoggerFactory.getLogger(PluginInventory.class);
  static final String EXECUTOR = "racetrack";
  private static final InstalledPluginRepository ROWS = new InstalledPluginRepository();

  /** An installed plugin; {@code category} is {@code job_type} or {@code infrastructure}. */
  public record Installed(String name, String version, String category) {}

  private final List<Installed> installed;

  public PluginInventory(Plugins plugins, String platformVersion) {
    List<Installed> list = new ArrayList<>();
    for (JobType jobType : plugins.jobTypes()) {
      list.add(new Installed(jobType.name(), jobType.version(), "job_type"));
    }
    for (InfrastructurePlugin infrastructure : plugins.infrastructures().values()) {
      // infrastructure plugins ship with the platform: their version is the platform's
      list.add(new Installed(infrastructure.name(), platformVersion, "infrastructure"));
    }
    list.sort(
        Comparator.comparing(Installed::category)
            .thenComparing(Installed::name)
            .thenComparing(Installed::version));
    this.installed = List.copyOf(list);
  }

  public List<Installed> installed() {
    return installed;
  }

  /** Records the differences from the last start in the audit log; returns how many. */
  public int record(Jdbi jdbi, AuditLog audit) {
    return jdbi.inTransaction(
        h -> {
          ROWS.lock(h);
          Set<Installed> before = new LinkedHashSet<>(ROWS.list(h));
          Set<Installed> now = new LinkedHashSet<>(installed);
          int changes = 0;
          for (Installed plugin : before) {
            if (!now.contains(plugin)) {
              ROWS.delete(h, plugin);
              event(audit, h, AuditLog.PLUGIN_UNINSTALLED, plugin);
              changes++;
            }
          }
          for (Installed plugin : now) {
            if (!before.contains(plugin)) {
              ROWS.insert(h, plugin);
              event(audit, h, AuditLog.PLUGIN_INSTALLED, plugin);
              changes++;
            }
          }
          return changes;
        });
  }

  private static void event(AuditLog audit, Handle h, String type, Installed plugin) {
    LOG.info("{}: {} {} ({})", type, plugin.name(), plugin.version(), plugin.category());
    audit.record(
        h,
        type,
        EXECUTOR,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        Map.of(
            "plugin_name",
            plugin.name(),
            "plugin_version",
            plugin.version(),
            "plugin_category",
            plugin.category()));
  }
}
