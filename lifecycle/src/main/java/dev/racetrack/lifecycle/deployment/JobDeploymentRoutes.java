package dev.racetrack.lifecycle.deployment;

import dev.racetrack.http.JsonBodies;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.lifecycle.job.JobRoutes;
import dev.racetrack.lifecycle.job.Jobs;
import dev.racetrack.model.Deployment;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.NotFoundException;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Job endpoints that start a deployment on an existing job (§3.5: redeploy, reprovision, move,
 * manifest edit) and the job's build logs.
 */
public final class JobDeploymentRoutes implements Routes {
  private final Jobs jobs;
  private final Redeployments redeployments;
  private final ManifestEdits edits;
  private final DeploymentRepository deploymentRows;
  private final RequestAuth auth;

  public JobDeploymentRoutes(
      Jobs jobs,
      Redeployments redeployments,
      ManifestEdits edits,
      DeploymentRepository deploymentRows,
      RequestAuth auth) {
    this.jobs = jobs;
    this.redeployments = redeployments;
    this.edits = edits;
    this.deploymentRows = deploymentRows;
    this.auth = auth;
  }

  record Move(String infrastructureTarget) {}

  record ManifestEdit(String manifestYaml) {}

  @Override
  public void register(RouteTable routes) {
    routes.post(
        "/api/v1/job/{name}/{version}/redeploy",
        ctx ->
            ctx.json(
                id(
                    redeployments.redeploy(
                        auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version")))));
    routes.post(
        "/api/v1/job/{name}/{version}/reprovision",
        ctx ->
            ctx.json(
                id(
                    redeployments.reprovision(
                        auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version")))));
    routes.post("/api/v1/job/{name}/{version}/move", this::move);
    routes.put("/api/v1/job/{name}/{version}/manifest", this::editManifest);
    routes.get(
        "/api/v1/job/{name}/{version}/build-logs", ctx -> ctx.json(Map.of("logs", buildLogs(ctx))));
    routes.get(
        "/api/v1/job/{name}/{version}/build-logs/plain",
        ctx -> JobRoutes.plain(ctx, buildLogs(ctx)));
  }

  private static Map<String, String> id(String deploymentId) {
    return Map.of("id", deploymentId);
  }

  private void move(Context ctx) {
    Caller caller = auth.caller(ctx);
    Move body = JsonBodies.read(ctx, Move.class);
    ctx.json(
        id(
            redeployments.move(
                caller,
                ctx.pathParam("name"),
                ctx.pathParam("version"),
                body.infrastructureTarget())));
  }

  private void editManifest(Context ctx) {
    Caller caller = auth.caller(ctx);
    ManifestEdit body = JsonBodies.read(ctx, ManifestEdit.class);
    ctx.json(
        edits.updateManifest(
            caller, ctx.pathParam("name"), ctx.pathParam("version"), body.manifestYaml()));
  }

  private String buildLogs(Context ctx) {
    Job job = jobs.read(auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version"));
    int tail = JobRoutes.tail(ctx, 0);
    Deployment deployment =
        deploymentRows
            .latestForJob(job.name(), job.version())
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "no deployment found for job " + job.name() + " v" + job.version()));
    return JobRoutes.tailLines(deploymentRows.buildLogs(deployment.id()).orElse(""), tail);
  }
}
