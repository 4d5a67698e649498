package dev.racetrack.lifecycle.maintenance;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.event.GatewayNotifier;
import dev.racetrack.model.error.UnavailableException;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Maintenance mode (§16.4), the {@code maintenance_mode} setting: while on, changes (deploy,
 * delete, redeploy, reprovision, move, manifest edits, reconciliation) are refused with a clear
 * message and the gateway answers 503 to job calls.
 */
public final class Maintenance {
  public static final String MESSAGE =
      "Racetrack is currently in maintenance mode. Please try again later.";

  private static final String SETTING = "maintenance_mode";

  private final Jdbi jdbi;
  private final SettingRepository settings;
  private final Authorizer authorizer;
  private final AuditLog audit;
  private final GatewayNotifier gateway;

  public Maintenance(Jdbi jdbi, Authorizer authorizer, AuditLog audit, GatewayNotifier gateway) {
    this.jdbi = jdbi;
    this.settings = new SettingRepository(jdbi);
    this.authorizer = authorizer;
    this.audit = audit;
    this.gateway = gateway;
  }

  public boolean enabled() {
    return settings.read(SETTING).map("true"::equals).orElse(false);
  }

  /** Refuses a change while maintenance mode is on (503). */
  public void ensureOff() {
    if (enabled()) {
      throw new UnavailableException(MESSAGE);
    }
  }

  /** Switches maintenance mode (staff only). */
  public void set(Caller caller, boolean on) {
    authorizer.requireStaff(caller);
    jdbi.useTransaction(
        h -> {
          settings.write(h, SETTING, Boolean.toString(on));
          audit.record(
              h,
              on ? "maintenance_enabled" : "maintenance_disabled",
              caller.username(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Map.of());
        });
    gateway.invalidate("maintenance mode " + (on ? "on" : "off"));
  }
}
