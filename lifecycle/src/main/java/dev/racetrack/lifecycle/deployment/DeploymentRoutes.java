package dev.racetrack.lifecycle.deployment;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** Deployment endpoints (§3.3). */
public final class DeploymentRoutes implements Routes {
  private final Deployments deployments;
  private final DeploymentQuota quota;
  private final RequestAuth auth;
  private final Uploads uploads;

  /**
   * Where and how much a deploy body may bring.
   *
   * @param bodyLimit most bytes of a deploy body (the route's body limit)
   * @param contextLimit most bytes of a decoded build context ({@code MAX_BUILD_CONTEXT_MB})
   * @param contexts where the decoded context goes
   */
  public record Uploads(long bodyLimit, long contextLimit, BuildContexts contexts) {}

  public DeploymentRoutes(
      Deployments deployments, DeploymentQuota quota, RequestAuth auth, Uploads uploads) {
    this.deployments = deployments;
    this.quota = quota;
    this.auth = auth;
    this.uploads = uploads;
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
    ctx.json(Map.of("id", deployments.deploy(caller, upload(ctx))));
  }

  /** Starts a build-only deployment (an image for {@code run-local}); same limits as deploy. */
  private void build(Context ctx) {
    var caller = auth.caller(ctx);
    quota.ensureRoom(caller.username());
    ctx.json(Map.of("id", deployments.build(caller, upload(ctx))));
  }

  /** The body, streamed: the build context goes to a file, never whole into memory. */
  private DeployUpload upload(Context ctx) {
    try (InputStream body = ctx.req().getInputStream()) {
      return DeployUpload.read(
          body, uploads.bodyLimit(), uploads.contextLimit(), uploads.contexts());
    } catch (IOException e) {
      throw new UncheckedIOException("reading the deploy body failed: " + e.getMessage(), e);
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
