package dev.racetrack.lifecycle.graph;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.http.StreamedJson;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * {@code GET /api/v1/job/graph}: the whole graph (streamed), {@code ?family=NAME} for one family
 * with its jobs and their callers, or {@code ?node=ID&depth=N} (N from 1, the default, to 5) for
 * the nodes within N edges of one node.
 */
public final class GraphRoutes implements Routes {
  private final PermissionGraph graph;
  private final RequestAuth auth;

  public GraphRoutes(PermissionGraph graph, RequestAuth auth) {
    this.graph = graph;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get("/api/v1/job/graph", this::graph);
  }

  private void graph(Context ctx) {
    Caller caller = auth.caller(ctx);
    Optional<String> family = param(ctx, "family");
    Optional<String> node = param(ctx, "node");
    if (node.isPresent()) {
      ctx.json(Neighbourhood.around(graph.build(caller, family), node.get(), depth(ctx)));
      return;
    }
    if (param(ctx, "depth").isPresent()) {
      throw new ValidationException("depth needs node (the node to show the surroundings of)");
    }
    graph.requireReader(caller);
    StreamedJson.write(ctx, json -> write(json, caller, family));
  }

  private void write(JsonGenerator json, Caller caller, Optional<String> family)
      throws IOException {
    json.writeStartObject();
    json.writeArrayFieldStart("nodes");
    boolean[] inEdges = {false};
    graph.write(
        caller,
        family,
        new PermissionGraph.Sink() {
          @Override
          public void node(PermissionGraph.Node node) {
            write(json, node);
          }

          @Override
          public void edge(PermissionGraph.Edge edge) {
            if (!inEdges[0]) {
              startEdges(json);
              inEdges[0] = true;
            }
            write(json, edge);
          }
        });
    if (!inEdges[0]) {
      startEdges(json);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void startEdges(JsonGenerator json) {
    try {
      json.writeEndArray();
      json.writeArrayFieldStart("edges");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(JsonGenerator json, Object value) {
    try {
      json.writeObject(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int depth(Context ctx) {
    Optional<String> value = param(ctx, "depth");
    try {
      return value.map(v -> Integer.parseInt(v.strip())).orElse(1);
    } catch (NumberFormatException e) {
      throw new ValidationException(
          "depth must be a whole number from 1 to "
              + Neighbourhood.MAX_DEPTH
              + ", got '"
              + value.get()
              + "'");
    }
  }

  private static Optional<String> param(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(v -> !v.isBlank());
  }
}
