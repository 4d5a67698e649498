package dev.racetrack.lifecycle.job;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.lifecycle.deployment.DeploymentRepository;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.model.Deployment;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Job endpoints (§3.5): list, get with aliases, delete, runtime and build logs. */
public final class JobRoutes implements Routes {
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

  private final Jobs jobs;
  private final JobRemoval removal;
  private final Targets targets;
  private final DeploymentRepository deployments;
  private final RequestAuth auth;

  public JobRoutes(
      Jobs jobs,
      JobRemoval removal,
      Targets targets,
      DeploymentRepository deployments,
      RequestAuth auth) {
    this.jobs = jobs;
    this.removal = removal;
    this.targets = targets;
    this.deployments = deployments;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get("/api/v1/job", this::list);
    routes.get("/api/v1/job/{name}/{version}", this::get);
    routes.delete("/api/v1/job/{name}/{version}", this::delete);
    routes.get(
        "/api/v1/job/{name}/{version}/logs", ctx -> ctx.json(Map.of("logs", runtimeLogs(ctx))));
    routes.get("/api/v1/job/{name}/{version}/logs/plain", ctx -> plain(ctx, runtimeLogs(ctx)));
    routes.get(
        "/api/v1/job/{name}/{version}/build-logs", ctx -> ctx.json(Map.of("logs", buildLogs(ctx))));
    routes.get("/api/v1/job/{name}/{version}/build-logs/plain", ctx -> plain(ctx, buildLogs(ctx)));
  }

  private void list(Context ctx) {
    ctx.json(jobs.list(auth.caller(ctx)));
  }

  private void get(Context ctx) {
    ctx.json(jobs.read(auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version")));
  }

  private void delete(Context ctx) {
    Caller caller = auth.caller(ctx);
    Job deleted = removal.delete(caller, ctx.pathParam("name"), ctx.pathParam("version"));
    ctx.json(Map.of("deleted", Map.of("name", deleted.name(), "version", deleted.version())));
  }

  private String runtimeLogs(Context ctx) {
    Job job = jobs.read(auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version"));
    int tail = tail(ctx, 20);
    if (job.infrastructureTarget() == null) {
      return "";
    }
    return targets.get(job.infrastructureTarget()).recentLogs(job.name(), job.version(), tail);
  }

  private String buildLogs(Context ctx) {
    Job job = jobs.read(auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version"));
    int tail = tail(ctx, 0);
    Deployment deployment =
        deployments
            .latestForJob(job.name(), job.version())
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "no deployment found for job " + job.name() + " v" + job.version()));
    return tailLines(deployments.buildLogs(deployment.id()).orElse(""), tail);
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

  private static int tail(Context ctx, int fallback) {
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

  private static void plain(Context ctx, String text) {
    ctx.contentType("text/plain; charset=utf-8").result(ANSI.matcher(text).replaceAll(""));
  }
}
