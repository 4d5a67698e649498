package dev.racetrack.lifecycle.deployment;

import dev.racetrack.http.JsonBodies;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.error.TooManyRequestsException;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/** Deployment endpoints (§3.3). */
public final class DeploymentRoutes implements Routes {
  private final Deployments deployments;
  private final DeploymentRepository rows;
  private final int maxActivePerUser;
  private final RequestAuth auth;
  private final Map<String, ReentrantLock> userLocks = new ConcurrentHashMap<>();

  /**
   * @param maxActivePerUser deployments one user may have in progress at once ({@code
   *     MAX_DEPLOYMENTS_PER_USER})
   */
  public DeploymentRoutes(
      Deployments deployments, DeploymentRepository rows, int maxActivePerUser, RequestAuth auth) {
    this.deployments = deployments;
    this.rows = rows;
    this.maxActivePerUser = maxActivePerUser;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    routes.post("/api/v1/deploy", this::deploy);
    routes.get("/api/v1/deploy", this::list);
    routes.get("/api/v1/deploy/{id}", this::get);
  }

  /** Starts a deployment, unless the caller already has the most it may run at once (429). */
  private void deploy(Context ctx) {
    var caller = auth.caller(ctx);
    ensureRoom(caller.username());
    DeployRequest request = JsonBodies.read(ctx, DeployRequest.class);
    String id;
    // one check-and-create at a time per user, so parallel requests cannot all pass the check
    ReentrantLock lock = userLocks.computeIfAbsent(caller.username(), k -> new ReentrantLock());
    lock.lock();
    try {
      ensureRoom(caller.username());
      id = deployments.deploy(caller, request);
    } finally {
      lock.unlock();
    }
    ctx.json(Map.of("id", id));
  }

  private void ensureRoom(String username) {
    if (rows.countActiveBy(username) >= maxActivePerUser) {
      throw new TooManyRequestsException(
          "too many deployments in progress for "
              + username
              + " (limit MAX_DEPLOYMENTS_PER_USER="
              + maxActivePerUser
              + "); wait until one finishes");
    }
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
