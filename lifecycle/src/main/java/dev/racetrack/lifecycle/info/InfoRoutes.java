package dev.racetrack.lifecycle.info;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.database.Database;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Probes and platform info without authentication (§3.2). */
public final class InfoRoutes implements Routes {
  public static final String SERVICE = "lifecycle";

  private final Database database;
  private final Map<String, Object> info;
  private final String version;

  /**
   * @param grafanaUrl Grafana's external address ({@code EXTERNAL_GRAFANA_URL}), if there is one
   */
  public InfoRoutes(
      Database database,
      String version,
      String externalPubUrl,
      String lifecycleUrl,
      Optional<String> grafanaUrl) {
    this.database = database;
    this.version = version;
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", SERVICE);
    body.put("git_version", version);
    body.put("docker_tag", version);
    body.put("auth_required", true);
    body.put("external_pub_url", externalPubUrl);
    body.put("lifecycle_url", lifecycleUrl);
    body.put("grafana_url", grafanaUrl.orElse(null));
    this.info = body;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get("/live", ctx -> ctx.json(Map.of("service", SERVICE, "live", true)));
    routes.get("/ready", this::ready);
    routes.get("/health", this::health);
    routes.get("/api/v1/info", ctx -> ctx.json(info));
  }

  private void ready(Context ctx) {
    boolean connected = database.isConnected();
    ctx.status(connected ? 200 : 503).json(Map.of("service", SERVICE, "ready", connected));
  }

  private void health(Context ctx) {
    boolean connected = database.isConnected();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("service", SERVICE);
    body.put("live", true);
    body.put("database_connected", connected);
    body.put("git_version", version);
    body.put("docker_tag", version);
    body.put("auth_required", true);
    ctx.status(connected ? 200 : 500).json(body);
  }
}
