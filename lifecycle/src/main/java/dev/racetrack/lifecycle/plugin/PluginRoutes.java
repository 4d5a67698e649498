package dev.racetrack.lifecycle.plugin;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.RequestAuth;

/**
 * {@code GET /api/v1/plugin}: the installed plugins ({@code name}, {@code version}, {@code
 * category}), for any authenticated caller.
 */
public final class PluginRoutes implements Routes {
  private final PluginInventory inventory;
  private final RequestAuth auth;

  public PluginRoutes(PluginInventory inventory, RequestAuth auth) {
    this.inventory = inventory;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get(
        "/api/v1/plugin",
        ctx -> {
          auth.caller(ctx);
          ctx.json(inventory.installed());
        });
  }
}
