package dev.racetrack.lifecycle.graph;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.RequestAuth;

/** {@code GET /api/v1/job/graph}. */
public final class GraphRoutes implements Routes {
  private final PermissionGraph graph;
  private final RequestAuth auth;

  public GraphRoutes(PermissionGraph graph, RequestAuth auth) {
    this.graph = graph;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get("/api/v1/job/graph", ctx -> ctx.json(graph.build(auth.caller(ctx))));
  }
}
