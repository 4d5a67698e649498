package dev.racetrack.lifecycle.deployment;

import dev.racetrack.model.Json;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.build.BuildResult;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.model.error.UnavailableException;
import dev.racetrack.model.http.ApiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Calls the image builder's streaming build endpoint and relays its progress events (phases,
 * warnings, log lines, keep-alives) until the final result arrives; the log lines also go to the
 * {@link LiveBuildLogs} that clients follow.
 */
public final class ImageBuilderClient {
  private final HttpClient http;
  private final String baseUrl;
  private final String token;
  private final LiveBuildLogs live;

  /** What the builder reports while it works. */
  public interface Listener {
    void phase(String phase);

    void warning(String warning);

    /** Called on keep-alive heartbeats. */
    void alive();

    /** A line of the build's log, as the builder writes it (image builders that stream lines). */
    default void log(String line) {}
  }

  public ImageBuilderClient(HttpClient http, String baseUrl, String token) {
    this(http, baseUrl, token, new LiveBuildLogs());
  }

  public ImageBuilderClient(HttpClient http, String baseUrl, String token, LiveBuildLogs live) {
    this.http = http;
    this.baseUrl = baseUrl;
    this.token = token;
    this.live = live;
  }

  /**
   * Builds and blocks until the builder answers.
   *
   * @throws UnavailableException when the builder cannot be reached
   */
  public BuildResult build(BuildRequest request, Listener listener) {
    String id = request.deploymentId();
    live.start(id);
    try {
      return send(request, liveLines(id, listener));
    } finally {
      live.end(id);
    }
  }

  private Listener liveLines(String id, Listener listener) {
    return new Listener() {
      @Override
      public void phase(String phase) {
        listener.phase(phase);
      }

      @Override
      public void warning(String warning) {
        listener.warning(warning);
      }

      @Override
      public void alive() {
        listener.alive();
      }

      @Override
      public void log(String line) {
        live.line(id, line);
        listener.log(line);
      }
    };
  }

  private BuildResult send(BuildRequest request, Listener listener) {
    HttpRequest httpRequest =
        HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/build/sse"))
            .timeout(Duration.ofHours(1))
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .header(ApiClient.AUTH_HEADER, token)
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(request)))
            .build();
    try {
      HttpResponse<InputStream> response =
          http.send(httpRequest, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = response.body()) {
        if (response.statusCode() != 200) {
          String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
          throw new RacetrackException(
              "image builder refused the build (HTTP " + response.statusCode() + "): " + text);
        }
        return readEvents(body, listener);
      }
    } catch (IOException e) {
      throw new UnavailableException(
          "image builder at " + baseUrl + " is not reachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while waiting for the image builder", e);
    }
  }

  private static BuildResult readEvents(InputStream body, Listener listener) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    String event = "message";
    StringBuilder data = new StringBuilder();
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.isEmpty()) {
        if (!data.isEmpty()) {
          BuildResult result = dispatch(event, data.toString(), listener);
          if (result != null) {
            return result;
          }
        }
        event = "message";
        data.setLength(0);
      } else if (line.startsWith(":")) {
        listener.alive();
      } else if (line.startsWith("event:")) {
        event = line.substring(6).strip();
      } else if (line.startsWith("data:")) {
        if (!data.isEmpty()) {
          data.append('\n');
        }
        data.append(line.substring(5).stripLeading());
      }
    }
    throw new UnavailableException("image builder closed the connection before reporting a result");
  }

  private static BuildResult dispatch(String event, String data, Listener listener)
      throws IOException {
    switch (event) {
      case "phase" -> listener.phase(data);
      case "warning" -> listener.warning(data);
      case "log" -> listener.log(data);
      case "keepalive_heartbeat" -> listener.alive();
      case "result" -> {
        return Json.mapper().readValue(data, BuildResult.class);
      }
      default -> {
        // unknown events are ignored for forward compatibility
      }
    }
    return null;
  }
}
