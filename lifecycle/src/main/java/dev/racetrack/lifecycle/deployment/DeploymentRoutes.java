package dev.racetrack.lifecycle.deployment;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.lifecycle.database.TimeIdCursor;
import dev.racetrack.lifecycle.job.BuildContexts;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Deployment endpoints (§3.3). */
public final class DeploymentRoutes implements Routes {
  private final Deployments deployments;
  private final DeploymentViews views;
  private final DeploymentQuota quota;
  private final RequestAuth auth;
  private final Uploads uploads;
  private final LiveBuildLogs live;

  /**
   * Where and how much a deploy body may bring.
   *
   * @param bodyLimit most bytes of a deploy body (the route's body limit)
   * @param contextLimit most bytes of a decoded build context ({@code MAX_BUILD_CONTEXT_MB})
   * @param contexts where the decoded context goes
   */
  public record Uploads(long bodyLimit, long contextLimit, BuildContexts contexts) {}

  public DeploymentRoutes(
      Deployments deployments,
      DeploymentViews views,
      DeploymentQuota quota,
      RequestAuth auth,
      Uploads uploads,
      LiveBuildLogs live) {
    this.deployments = deployments;
    this.views = views;
    this.quota = quota;
    this.auth = auth;
    this.uploads = uploads;
    this.live = live;
  }

  @Override
  public void register(RouteTable routes) {
    routes.post("/api/v1/deploy", this::deploy);
    routes.post("/api/v1/build", this::build);
    routes.get("/api/v1/deploy", this::list);
    routes.get("/api/v1/deploy/{id}", this::get);
    routes.get("/api/v1/deploy/{id}/build-logs/stream", this::followBuildLogs);
  }

  /**
   * The build log as server-sent events: each line a {@code data:} event, then {@code event: end}.
   * A build running here is followed live from its first line; otherwise the stored log is sent.
   */
  private void followBuildLogs(Context ctx) throws IOException, InterruptedException {
    String id = ctx.pathParam("id");
    String stored = views.buildLogs(auth.caller(ctx), id); // 404 unless the caller may see it
    BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>();
    Optional<LiveBuildLogs.Subscription> following =
        live.follow(
            id,
            new LiveBuildLogs.Follower() {
              @Override
              public void line(String line) {
                lines.add(Optional.of(line));
              }

              @Override
              public void end() {
                lines.add(Optional.empty());
              }
            });
    if (following.isEmpty()) {
      stored.lines().forEach(line -> lines.add(Optional.of(line)));
      lines.add(Optional.empty());
    }
    ctx.status(200);
    ctx.res().setContentType("text/event-stream");
    ctx.res().setHeader("Cache-Control", "no-cache");
    OutputStream out = ctx.res().getOutputStream();
    try {
      while (true) {
        Optional<String> next = lines.poll(15, TimeUnit.SECONDS);
        if (next == null) {
          write(out, ": keepalive\n\n");
        } else if (next.isEmpty()) {
          write(out, "event: end\ndata: end\n\n");
          return;
        } else {
          StringBuilder event = new StringBuilder();
          next.get().lines().forEach(l -> event.append("data: ").append(l).append("\n\n"));
          write(out, event.toString());
        }
      }
    } catch (IOException e) {
      // the client went away
    } finally {
      following.ifPresent(LiveBuildLogs.Subscription::close);
    }
  }

  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
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

  /**
   * The deployments the caller may see, most recently updated first: {@code limit} (default 100, at
   * most 1,000) from {@code cursor}; the next page's cursor, if any, in the {@value
   * TimeIdCursor#NEXT_HEADER} header.
   */
  private void list(Context ctx) {
    String limit = ctx.queryParam("limit");
    Optional<TimeIdCursor> cursor =
        Optional.ofNullable(ctx.queryParam("cursor"))
            .filter(c -> !c.isBlank())
            .map(c -> TimeIdCursor.decode(c, "deployments"));
    DeploymentRepository.Page page =
        views.list(auth.caller(ctx), limit == null ? 100 : parseLimit(limit), cursor);
    page.next().ifPresent(next -> ctx.header(TimeIdCursor.NEXT_HEADER, next.encode()));
    ctx.json(page.items());
  }

  private void get(Context ctx) {
    ctx.json(views.get(auth.caller(ctx), ctx.pathParam("id")));
  }

  private static int parseLimit(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new ValidationException("limit must be a whole number, got '" + text + "'");
    }
  }
}
