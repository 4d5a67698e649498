package dev.racetrack.lifecycle.maintenance;

import dev.racetrack.http.JsonBodies;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.util.Map;

/** {@code GET|PUT /api/v1/maintenance}: read or switch maintenance mode. */
public final class MaintenanceRoutes implements Routes {
  private final Maintenance maintenance;
  private final RequestAuth auth;

  public MaintenanceRoutes(Maintenance maintenance, RequestAuth auth) {
    this.maintenance = maintenance;
    this.auth = auth;
  }

  record Switch(Boolean enabled) {}

  @Override
  public void register(RouteTable routes) {
    routes.get(
        "/api/v1/maintenance",
        ctx -> {
          auth.caller(ctx);
          ctx.json(Map.of("enabled", maintenance.enabled()));
        });
    routes.put("/api/v1/maintenance", this::set);
  }

  private void set(Context ctx) {
    var caller = auth.caller(ctx);
    Switch body = JsonBodies.read(ctx, Switch.class);
    if (body.enabled() == null) {
      throw new ValidationException("enabled (true or false) is required");
    }
    maintenance.set(caller, body.enabled());
    ctx.json(Map.of("enabled", body.enabled()));
  }
}
