package dev.racetrack.lifecycle.job;

import dev.racetrack.http.ConcurrencyLimit;
import dev.racetrack.http.JsonBodies;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.lifecycle.deployment.DeploymentRepository;
import dev.racetrack.lifecycle.deployment.Deployments;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.model.Deployment;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Job endpoints (§3.5): list, get with aliases, delete, redeploy, reprovision, move, manifest
 * edits, runtime and build logs.
 */
public final class JobRoutes implements Routes {
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

  private final Jobs jobs;
  private final JobRemoval removal;
  private final Deployments deployments;
  private final Targets targets;
  private final DeploymentRepository deploymentRows;
  private final RequestAuth auth;
  private final ConcurrencyLimit logStreams;

  public JobRoutes(
      Jobs jobs,
      JobRemoval removal,
      Deployments deployments,
      Targets targets,
      DeploymentRepository deploymentRows,
      RequestAuth auth,
      ConcurrencyLimit logStreams) {
    this.logStreams = logStreams;
    this.jobs = jobs;
    this.removal = removal;
    this.deployments = deployments;
    this.targets = targets;
    this.deploymentRows = deploymentRows;
    this.auth = auth;
  }

  record Move(String infrastructureTarget) {}

  record ManifestEdit(String manifestYaml) {}

  @Override
  public void register(RouteTable routes) {
    // GET /api/v1/job (the list, paged or streamed) is registered by PortfolioRoutes.
    routes.get(
        "/api/v1/job/{name}/{version}",
        ctx ->
            ctx.json(jobs.read(auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version"))));
    routes.delete("/api/v1/job/{name}/{version}", this::delete);
    routes.post(
        "/api/v1/job/{name}/{version}/redeploy",
        ctx ->
            ctx.json(
                id(
                    deployments.redeploy(
                        auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version")))));
    routes.post(
        "/api/v1/job/{name}/{version}/reprovision",
        ctx ->
            ctx.json(
                id(
                    deployments.reprovision(
                        auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version")))));
    routes.post("/api/v1/job/{name}/{version}/move", this::move);
    routes.put("/api/v1/job/{name}/{version}/manifest", this::editManifest);
    routes.get(
        "/api/v1/job/{name}/{version}/logs", ctx -> ctx.json(Map.of("logs", runtimeLogs(ctx))));
    routes.get("/api/v1/job/{name}/{version}/logs/plain", ctx -> plain(ctx, runtimeLogs(ctx)));
    routes.get("/api/v1/job/{name}/{version}/logs/stream", this::streamLogs);
    routes.get(
        "/api/v1/job/{name}/{version}/build-logs", ctx -> ctx.json(Map.of("logs", buildLogs(ctx))));
    routes.get("/api/v1/job/{name}/{version}/build-logs/plain", ctx -> plain(ctx, buildLogs(ctx)));
  }

  private static Map<String, String> id(String deploymentId) {
    return Map.of("id", deploymentId);
  }

  private void delete(Context ctx) {
    Caller caller = auth.caller(ctx);
    Job deleted = removal.delete(caller, ctx.pathParam("name"), ctx.pathParam("version"));
    ctx.json(Map.of("deleted", Map.of("name", deleted.name(), "version", deleted.version())));
  }

  private void move(Context ctx) {
    Caller caller = auth.caller(ctx);
    Move body = JsonBodies.read(ctx, Move.class);
    ctx.json(
        id(
            deployments.move(
                caller,
                ctx.pathParam("name"),
                ctx.pathParam("version"),
                body.infrastructureTarget())));
  }

  private void editManifest(Context ctx) {
    Caller caller = auth.caller(ctx);
    ManifestEdit body = JsonBodies.read(ctx, ManifestEdit.class);
    ctx.json(
        deployments.updateManifest(
            caller, ctx.pathParam("name"), ctx.pathParam("version"), body.manifestYaml()));
  }

  private String runtimeLogs(Context ctx) {
    Job job = jobs.read(auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version"));
    int tail = tail(ctx, 20);
    if (job.infrastructureTarget() == null) {
      return "";
    }
    return targets.get(job.infrastructureTarget()).recentLogs(job.name(), job.version(), tail);
  }

  /**
   * Follows a job's output as server-sent events ({@code data: LINE}), starting with the last
   * {@code tail} lines, with a keep-alive comment every 15 s, until the client goes away.
   */
  private void streamLogs(Context ctx) throws IOException, InterruptedException {
    Caller caller = auth.caller(ctx);
    try (ConcurrencyLimit.Slot slot = logStreams.take(caller.username())) {
      streamLogs(ctx, jobs.read(caller, ctx.pathParam("name"), ctx.pathParam("version")));
    }
  }

  private void streamLogs(Context ctx, Job job) throws IOException, InterruptedException {
    if (job.infrastructureTarget() == null) {
      throw new NotFoundException(
          "job " + job.name() + " v" + job.version() + " is not running anywhere yet");
    }
    int tail = tail(ctx, 20);
    BlockingQueue<String> lines = new LinkedBlockingQueue<>(10_000);
    ctx.status(200);
    ctx.res().setContentType("text/event-stream");
    ctx.res().setHeader("Cache-Control", "no-cache");
    OutputStream out = ctx.res().getOutputStream();
    try (Closeable follow =
        targets
            .get(job.infrastructureTarget())
            .followLogs(job.name(), job.version(), tail, lines::offer)) {
      send(out, ": following the output of " + job.name() + " v" + job.version() + "\n\n");
      while (true) {
        String line = lines.poll(15, TimeUnit.SECONDS);
        send(
            out,
            line == null
                ? ": keepalive\n\n"
                : "data: " + ANSI.matcher(line).replaceAll("").replace("\r", "") + "\n\n");
      }
    } catch (IOException e) {
      // the client went away: stop following
    }
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private String buildLogs(Context ctx) {

    Job job = jobs.read(auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version"));
    int tail = tail(ctx, 0);
    Deployment deployment =
        deploymentRows
            .latestForJob(job.name(), job.version())
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "no deployment found for job " + job.name() + " v" + job.version()));
    return tailLines(deploymentRows.buildLogs(deployment.id()).orElse(""), tail);
  }

  static String tailLines(String text, int tail) {
    if (tail <= 0) {
      return text;
    }
    List<String> lines = Arrays.asList(text.split("\n", -1));
    if (!lines.isEmpty() && lines.getLast().isEmpty()) {
      lines = lines.subList(0, lines.size() - 1);
    }
    return String.join("\n", lines.subList(Math.max(0, lines.size() - tail), lines.size()));
  }

  static int tail(Context ctx, int fallback) {
    String value = ctx.queryParam("tail");
    if (value == null) {
      return fallback;
    }
    try {
      int tail = Integer.parseInt(value);
      if (tail >= 0) {
        return tail;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ValidationException("tail must be a whole number >= 0, got '" + value + "'");
  }

  static void plain(Context ctx, String text) {
    ctx.contentType("text/plain; charset=utf-8").result(ANSI.matcher(text).replaceAll(""));
  }
}
