package dev.racetrack.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.util.List;

/**
 * Registers each route under every base path of a server (e.g. {@code /} and {@code /lifecycle}),
 * so one route list serves both mounts.
 */
public final class RouteTable {
  private final RoutesConfig routes;
  private final List<String> basePaths;

  RouteTable(RoutesConfig routes, List<String> basePaths) {
    this.routes = routes;
    this.basePaths = List.copyOf(basePaths);
  }

  public RouteTable get(String path, Handler handler) {
    basePaths.forEach(base -> routes.get(base + path, handler));
    return this;
  }

  public RouteTable post(String path, Handler handler) {
    basePaths.forEach(base -> routes.post(base + path, handler));
    return this;
  }

  public RouteTable put(String path, Handler handler) {
    basePaths.forEach(base -> routes.put(base + path, handler));
    return this;
  }

  public RouteTable delete(String path, Handler handler) {
    basePaths.forEach(base -> routes.delete(base + path, handler));
    return this;
  }
}
