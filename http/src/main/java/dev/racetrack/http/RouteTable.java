package dev.racetrack.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Handler;
import java.util.ArrayList;
import java.util.List;

/**
 * Registers each route under every base path of a server (e.g. {@code /} and {@code /lifecycle}),
 * so one route list serves both mounts, and remembers the routes for the API's OpenAPI document.
 */
public final class RouteTable {
  private final RoutesConfig routes;
  private final List<String> basePaths;
  private final List<Route> registered = new ArrayList<>();

  /** A registered route (without base path), for documentation. */
  public record Route(String method, String path) {}

  RouteTable(RoutesConfig routes, List<String> basePaths) {
    this.routes = routes;
    this.basePaths = List.copyOf(basePaths);
  }

  public RouteTable get(String path, Handler handler) {
    registered.add(new Route("get", path));
    basePaths.forEach(base -> routes.get(base + path, handler));
    return this;
  }

  public RouteTable post(String path, Handler handler) {
    registered.add(new Route("post", path));
    basePaths.forEach(base -> routes.post(base + path, handler));
    return this;
  }

  public RouteTable put(String path, Handler handler) {
    registered.add(new Route("put", path));
    basePaths.forEach(base -> routes.put(base + path, handler));
    return this;
  }

  public RouteTable delete(String path, Handler handler) {
    registered.add(new Route("delete", path));
    basePaths.forEach(base -> routes.delete(base + path, handler));
    return this;
  }

  /** Routes registered so far. */
  public List<Route> registered() {
    return List.copyOf(registered);
  }

  /** The last base path: the one the API is documented under. */
  String publicBasePath() {
    return basePaths.getLast();
  }
}
