package dev.racetrack.lifecycle.job;

import dev.racetrack.http.ConcurrencyLimit;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.lifecycle.infra.Targets;
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
 * Job endpoints (§3.5): get with aliases, delete and runtime logs. Those that start a deployment on
 * a job, and its build logs, are in {@code deployment.JobDeploymentRoutes}.
 */
public final class JobRoutes implements Routes {
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");

  private final Jobs jobs;
  private final JobRemoval removal;
  private final Targets targets;
  private final RequestAuth auth;
  private final ConcurrencyLimit logStreams;

  public JobRoutes(
      Jobs jobs,
      JobRemoval removal,
      Targets targets,
      RequestAuth auth,
      ConcurrencyLimit logStreams) {
    this.logStreams = logStreams;
    this.jobs = jobs;
    this.removal = removal;
    this.targets = targets;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    // GET /api/v1/job (the list, paged or streamed) is registered by PortfolioRoutes.
    routes.get(
        "/api/v1/job/{name}/{version}",
        ctx ->
            ctx.json(jobs.read(auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version"))));
    routes.delete("/api/v1/job/{name}/{version}", this::delete);
    routes.get(
        "/api/v1/job/{name}/{version}/logs", ctx -> ctx.json(Map.of("logs", runtimeLogs(ctx))));
    routes.get("/api/v1/job/{name}/{version}/logs/plain", ctx -> plain(ctx, runtimeLogs(ctx)));
    routes.get("/api/v1/job/{name}/{version}/logs/stream", this::streamLogs);
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

  public static String tailLines(String text, int tail) {
    if (tail <= 0) {
      return text;
    }
    List<String> lines = Arrays.asList(text.split("\n", -1));
    if (!lines.isEmpty() && lines.getLast().isEmpty()) {
      lines = lines.subList(0, lines.size() - 1);
    }
    return String.join("\n", lines.subList(Math.max(0, lines.size() - tail), lines.size()));
  }

  public static int tail(Context ctx, int fallback) {
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

  public static void plain(Context ctx, String text) {
    ctx.contentType("text/plain; charset=utf-8").result(ANSI.matcher(text).replaceAll(""));
  }
}
