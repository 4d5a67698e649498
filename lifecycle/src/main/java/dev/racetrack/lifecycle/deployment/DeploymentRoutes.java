package dev.racetrack.lifecycle.deployment;

import dev.racetrack.http.JsonBodies;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.util.Map;

/** Deployment endpoints (§3.3). */
public final class DeploymentRoutes implements Routes {
  private final Deployments deployments;
  private final DeploymentQuota quota;
  private final RequestAuth auth;

  public DeploymentRoutes(Deployments deployments, DeploymentQuota quota, RequestAuth auth) {
    this.deployments = deployments;
    this.quota = quota;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    routes.post("/api/v1/deploy", this::deploy);
    routes.post("/api/v1/build", this::build);
    routes.get("/api/v1/deploy", this::list);
    routes.get("/api/v1/deploy/{id}", this::get);
  }

  /** Starts a deployment, unless the caller already has the most it may run at once (429). */
  private void deploy(Context ctx) {
    var caller = auth.caller(ctx);
    quota.ensureRoom(caller.username()); // before reading a possibly large body
    DeployRequest request = JsonBodies.read(ctx, DeployRequest.class);
    ctx.json(Map.of("id", deployments.deploy(caller, request)));
  }

  /** Starts a build-only deployment (an image for {@code run-local}); same limits as deploy. */
  private void build(Context ctx) {
    var caller = auth.caller(ctx);
    quota.ensureRoom(caller.username());
    DeployRequest request = JsonBodies.read(ctx, DeployRequest.class);
    ctx.json(Map.of("id", deployments.build(caller, request)));
  }

  private void list(Context ctx) {
    String limit = ctx.queryParam("limit");
    ctx.json(deployments.list(auth.caller(ctx), limit == null ? 100 : parseLimit(limit)));
  }

  private void get(Context ctx) {
    ctx.json(deployments.get(auth.caller(ctx), ctx.pathParam("id")));
  }

  private static int parseLimit(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new ValidationException("limit must be a whole number, got '" + text + "'");
    }
  }
}
