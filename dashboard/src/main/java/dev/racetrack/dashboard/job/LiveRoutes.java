package dev.racetrack.dashboard.job;

import static dev.racetrack.dashboard.web.Web.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.dashboard.web.PageRoutes;
import dev.racetrack.dashboard.web.Web;
import gg.jte.html.escape.Escape;
import gg.jte.output.StringOutput;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Live pages: runtime and build logs, and the server-sent event streams the browser follows — a
 * job's output (relayed from lifecycle's log stream, each line escaped into HTML) and job changes
 * (relayed from lifecycle's {@code /websocket/events}).
 */
public final class LiveRoutes implements PageRoutes {
  private final Web web;

  public LiveRoutes(Web web) {
    this.web = web;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(Web.BASE + "/jobs/{name}/{version}/logs", this::logs);
    routes.get(Web.BASE + "/jobs/{name}/{version}/logs/stream", this::followLogs);
    routes.get(Web.BASE + "/jobs/{name}/{version}/build-logs", this::buildLogs);
    routes.get(Web.BASE + "/events", this::events);
    routes.get(Web.BASE + "/deployments/{id}/build-log", this::buildLog);
    routes.get(Web.BASE + "/deployments/{id}/build-log/stream", this::followBuildLog);
  }

  private void buildLog(Context ctx) {
    String id = ctx.pathParam("id");
    JsonNode deployment = web.lifecycle().get(web.token(ctx), "/api/v1/deploy/" + seg(id));
    web.render(
        ctx,
        "build_log.jte",
        "Build log of " + deployment.path("job_name").asText(),
        "deployments",
        Map.of("deployment", deployment));
  }

  /**
   * Relays lifecycle's build-log stream of a deployment (live while it builds, the stored log once
   * it has): every line escaped into HTML, then {@code end}, after which the page stops following.
   */
  private void followBuildLog(Context ctx) throws IOException {
    String path = "/api/v1/deploy/" + seg(ctx.pathParam("id")) + "/build-logs/stream";
    try (InputStream upstream = web.lifecycle().stream(web.token(ctx), path)) {
      OutputStream out = startStream(ctx);
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(upstream, StandardCharsets.UTF_8));
      String event = "message";
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.isEmpty()) {
          event = "message";
        } else if (line.startsWith("event:")) {
          event = line.substring(6).strip();
        } else if (line.startsWith(":")) {
          send(out, ": keepalive\n\n");
        } else if (line.startsWith("data:") && event.equals("end")) {
          send(out, "event: end\ndata: <span class=\"ended\">The build has ended.</span>\n\n");
          return;
        } else if (line.startsWith("data:")) {
          String text = line.substring(line.startsWith("data: ") ? 6 : 5);
          send(out, "event: line\ndata: <div class=\"line\">" + escape(text) + "</div>\n\n");
        }
      }
    } catch (IOException e) {
      // the browser or lifecycle went away: stop relaying
    }
  }

  private void logs(Context ctx) {
    String path = JobPages.jobPath(ctx.pathParam("name"), ctx.pathParam("version"));
    String text = web.lifecycle().getText(web.token(ctx), path + "/logs/plain?tail=200");
    web.render(
        ctx,
        "logs.jte",
        "Logs of " + ctx.pathParam("name"),
        "jobs",
        Map.of(
            "name",
            ctx.pathParam("name"),
            "version",
            ctx.pathParam("version"),
            "build",
            false,
            "text",
            text));
  }

  private void buildLogs(Context ctx) {
    String path = JobPages.jobPath(ctx.pathParam("name"), ctx.pathParam("version"));
    String text = web.lifecycle().getText(web.token(ctx), path + "/build-logs/plain");
    web.render(
        ctx,
        "logs.jte",
        "Build logs of " + ctx.pathParam("name"),
        "jobs",
        Map.of(
            "name",
            ctx.pathParam("name"),
            "version",
            ctx.pathParam("version"),
            "build",
            true,
            "text",
            text));
  }

  /** Relays lifecycle's log stream: every {@code data:} line becomes an escaped HTML line. */
  private void followLogs(Context ctx) throws IOException {
    String path = JobPages.jobPath(ctx.pathParam("name"), ctx.pathParam("version"));
    String token = web.token(ctx);
    try (InputStream upstream = web.lifecycle().stream(token, path + "/logs/stream?tail=0")) {
      OutputStream out = startStream(ctx);
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(upstream, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (line.startsWith("data:")) {
          String text = line.substring(line.startsWith("data: ") ? 6 : 5);
          send(out, "event: line\ndata: <div class=\"line\">" + escape(text) + "</div>\n\n");
        } else if (line.startsWith(":")) {
          send(out, ": keepalive\n\n");
        }
      }
    } catch (IOException e) {
      // the browser or lifecycle went away: stop relaying
    }
  }

  /**
   * Tells the browser {@code jobs} whenever lifecycle announces that the job list changed, and
   * {@code deployments} when a deployment started, changed phase or ended.
   */
  private void events(Context ctx) throws IOException, InterruptedException {
    String token = web.token(ctx);
    BlockingQueue<String> changes = new LinkedBlockingQueue<>(100);
    WebSocket socket =
        web.lifecycle()
            .events(
                token,
                new WebSocket.Listener() {
                  @Override
                  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                    changes.offer(data.toString());
                    ws.request(1);
                    return null;
                  }

                  @Override
                  public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
                    changes.offer("closed");
                    return null;
                  }

                  @Override
                  public void onError(WebSocket ws, Throwable error) {
                    changes.offer("closed");
                  }
                })
            .join();
    try {
      OutputStream out = startStream(ctx);
      send(out, ": following job changes\n\n");
      while (true) {
        String change = changes.poll(15, TimeUnit.SECONDS);
        if (change == null) {
          send(out, ": keepalive\n\n");
        } else if (change.equals("closed")) {
          return;
        } else {
          relay(out, change);
        }
      }
    } catch (IOException e) {
      // the browser went away
    } finally {
      socket.abort();
    }
  }

  /** Lifecycle's event names become the browser's: {@code jobs} and {@code deployments}. */
  static java.util.Optional<String> browserEvent(String change) {
    if (change.contains("job_models_changed")) {
      return java.util.Optional.of("jobs");
    }
    if (change.contains("deployments_changed")) {
      return java.util.Optional.of("deployments");
    }
    return java.util.Optional.empty();
  }

  private static void relay(OutputStream out, String change) throws IOException {
    java.util.Optional<String> event = browserEvent(change);
    if (event.isPresent()) {
      send(out, "event: " + event.get() + "\ndata: changed\n\n");
    }
  }

  private static OutputStream startStream(Context ctx) throws IOException {
    ctx.status(200);
    ctx.res().setContentType("text/event-stream");
    ctx.res().setHeader("Cache-Control", "no-cache");
    OutputStream out = ctx.res().getOutputStream();
    out.flush();
    return out;
  }

  static String escape(String text) {
    StringOutput out = new StringOutput();
    Escape.htmlContent(text, out);
    return out.toString();
  }

  private static void send(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
