package dev.racetrack.imagebuilder;

import dev.racetrack.http.JsonBodies;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.model.Json;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.build.BuildResult;
import dev.racetrack.model.error.UnauthorizedException;
import dev.racetrack.model.http.ApiClient;
import dev.racetrack.spi.BuildProgress;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The image builder's API (§7.2): a streaming build endpoint that sends phases and warnings as
 * server-sent events and ends with the result, and the usual probes.
 */
final class BuildRoutes implements Routes {
  private static final long HEARTBEAT_SECONDS = 15;

  private final Builder builder;
  private final byte[] token;
  private final String version;
  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("build-heartbeat").daemon().factory());

  BuildRoutes(Builder builder, String token, String version) {
    this.builder = builder;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.version = version;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get("/live", ctx -> ctx.json(Map.of("service", "image-builder", "live", true)));
    routes.get("/ready", ctx -> ctx.json(Map.of("service", "image-builder", "ready", true)));
    routes.get(
        "/health",
        ctx ->
            ctx.json(
                Map.of(
                    "service",
                    "image-builder",
                    "git_version",
                    version,
                    "docker_tag",
                    version,
                    "status",
                    "pass")));
    routes.post("/api/v1/build/sse", this::buildStream);
    routes.post("/api/v1/build", this::buildBlocking);
  }

  private void authorize(Context ctx) {
    String presented = ctx.header(ApiClient.AUTH_HEADER);
    if (presented == null
        || !MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8))) {
      throw new UnauthorizedException(
          "the image builder accepts requests from lifecycle only (wrong or missing "
              + ApiClient.AUTH_HEADER
              + ")");
    }
  }

  private void buildBlocking(Context ctx) {
    authorize(ctx);
    BuildRequest request = JsonBodies.read(ctx, BuildRequest.class);
    ctx.json(builder.build(request, BuildProgress.discard()));
  }

  private void buildStream(Context ctx) throws IOException {
    authorize(ctx);
    BuildRequest request = JsonBodies.read(ctx, BuildRequest.class);
    ctx.status(200);
    ctx.res().setContentType("text/event-stream");
    ctx.res().setHeader("Cache-Control", "no-cache");
    OutputStream out = ctx.res().getOutputStream();
    EventSink sink = new EventSink(out);
    ScheduledFuture<?> heartbeat =
        heartbeats.scheduleAtFixedRate(
            () -> sink.comment("keepalive"),
            HEARTBEAT_SECONDS,
            HEARTBEAT_SECONDS,
            TimeUnit.SECONDS);
    try {
      BuildResult result =
          builder.build(
              request,
              new BuildProgress() {
                @Override
                public void phase(String phase) {
                  sink.event("phase", phase);
                }

                @Override
                public void warning(String warning) {
                  sink.event("warning", warning);
                }

                @Override
                public void log(String line) {
                  // streamed so a running build can be followed; the full log is in the result too
                  sink.event("log", line);
                }
              });
      sink.event("result", Json.write(result));
    } finally {
      heartbeat.cancel(false);
    }
  }

  /** Writes server-sent events; writes from the build and the heartbeat are serialised. */
  private static final class EventSink {
    private final OutputStream out;

    EventSink(OutputStream out) {
      this.out = out;
    }

    synchronized void event(String name, String data) {
      StringBuilder text = new StringBuilder("event: ").append(name).append('\n');
      data.lines().forEach(line -> text.append("data: ").append(line).append('\n'));
      write(text.append('\n').toString());
    }

    synchronized void comment(String text) {
      write(": " + text + "\n\n");
    }

    private void write(String text) {
      try {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
      } catch (IOException e) {
        // the client went away; the build still finishes and is logged
      }
    }
  }
}
