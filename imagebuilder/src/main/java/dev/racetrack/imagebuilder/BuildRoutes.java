package dev.racetrack.imagebuilder;

import dev.racetrack.http.JsonUpload;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.model.Json;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.build.BuildResult;
import dev.racetrack.model.error.UnauthorizedException;
import dev.racetrack.model.error.UnavailableException;
import dev.racetrack.model.http.ApiClient;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.SecretBox;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Map;
import java.util.Objects;
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
  private final Uploads uploads;

  /** Builds in flight, and whether new ones are still taken (see {@link #drain}). */
  private final InFlight builds = new InFlight();

  private final ScheduledExecutorService heartbeats =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("build-heartbeat").daemon().factory());

  /**
   * Where and how much of a build request's context is received.
   *
   * @param dir where each context is decoded into a file of its own while its build runs
   * @param maxBodyBytes most bytes of a build request's body (the server's body limit)
   * @param maxContextBytes most bytes of a decoded context ({@code MAX_BUILD_CONTEXT_MB})
   */
  record Uploads(Path dir, long maxBodyBytes, long maxContextBytes) {
    Uploads {
      Objects.requireNonNull(dir, "dir");
    }

    Path newFile() {
      try {
        Files.createDirectories(dir);
        SecretBox.trySetPermissions(dir, "rwx------"); // as lifecycle's uploads
        return Files.createTempFile(dir, "context-", ".tar.gz");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create an upload file: " + e.getMessage(), e);
      }
    }
  }

  BuildRoutes(Builder builder, String token, String version, Uploads uploads) {
    this.builder = builder;
    this.token = token.getBytes(StandardCharsets.UTF_8);
    this.version = version;
    this.uploads = Objects.requireNonNull(uploads, "uploads");
  }

  @Override
  public void register(RouteTable routes) {
    routes.get("/live", ctx -> ctx.json(Map.of("service", "image-builder", "live", true)));
    routes.get("/ready", this::ready);
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

  /** Not ready once stopping: a load balancer sends new builds elsewhere. */
  private void ready(Context ctx) {
    boolean ready = !builds.stopping();
    ctx.status(ready ? 200 : 503).json(Map.of("service", "image-builder", "ready", ready));
  }

  /**
   * Takes no new build from now on (503) and waits up to {@code limit} for the builds in flight to
   * end; returns how many are still running.
   */
  int drain(java.time.Duration limit) {
    return builds.drain(limit);
  }

  /** Counts the builds in flight; once stopping, refuses new ones. */
  static final class InFlight {
    private int running;
    private boolean stopping;

    synchronized void enter() {
      if (stopping) {
        throw new UnavailableException(
            "the image builder is stopping: it takes no new builds; deploy again once it is back");
      }
      running++;
    }

    synchronized void exit() {
      running--;
      notifyAll();
    }

    synchronized boolean stopping() {
      return stopping;
    }

    synchronized int drain(java.time.Duration limit) {
      stopping = true;
      long deadline = System.nanoTime() + limit.toNanos();
      while (running > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          break;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
      return running;
    }
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

  /**
   * The request, its build context streamed into a file of its own (never whole in memory, so not
   * capped by Jackson's longest string either); the caller discards it when the build ends.
   */
  private JsonUpload<BuildRequest> upload(Context ctx) {
    try (InputStream body = ctx.req().getInputStream()) {
      return JsonUpload.read(
          body,
          BuildRequest.class,
          JsonUpload.Spec.buildContext(
              ctx.path(), uploads.maxBodyBytes(), uploads.maxContextBytes()),
          uploads::newFile);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the build request failed: " + e.getMessage(), e);
    }
  }

  private void buildBlocking(Context ctx) {
    authorize(ctx);
    builds.enter();
    try {
      JsonUpload<BuildRequest> upload = upload(ctx);
      try {
        ctx.json(builder.build(upload.fields(), upload.file(), BuildProgress.discard()));
      } finally {
        upload.discard();
      }
    } finally {
      builds.exit();
    }
  }

  private void buildStream(Context ctx) throws IOException {
    authorize(ctx);
    builds.enter();
    try {
      JsonUpload<BuildRequest> upload = upload(ctx);
      try {
        stream(ctx, upload);
      } finally {
        upload.discard(); // the build ended: succeeded, failed, or its client went away
      }
    } finally {
      builds.exit();
    }
  }

  private void stream(Context ctx, JsonUpload<BuildRequest> upload) throws IOException {
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
              upload.fields(),
              upload.file(),
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
