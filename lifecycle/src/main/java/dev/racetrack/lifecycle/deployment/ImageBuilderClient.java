package dev.racetrack.lifecycle.deployment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.build.BuildResult;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.model.error.UnavailableException;
import dev.racetrack.model.http.ApiClient;
import dev.racetrack.spi.BuildProgress;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.apache.commons.codec.binary.Base64InputStream;

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
  public BuildResult build(BuildRequest request, Optional<Path> context, BuildProgress listener) {
    byte[] fields = fieldsWithoutContext(request);
    String id = request.deploymentId();
    live.start(id);
    try {
      return send(
          HttpRequest.BodyPublishers.ofInputStream(() -> requestBody(fields, context)),
          liveLines(id, listener));
    } finally {
      live.end(id);
    }
  }

  /** The request's JSON without its build context, and without its closing brace. */
  private static byte[] fieldsWithoutContext(BuildRequest request) {
    ObjectNode fields = Json.mapper().valueToTree(request);
    fields.remove("build_context");
    byte[] json = Json.writeBytes(fields);
    return Arrays.copyOf(json, json.length - 1);
  }

  /**
   * The request body, produced as it is sent: the fields, then the context file (a .tar.gz) as the
   * base64 {@code build_context} field, encoded chunk by chunk as it is read (the builder decodes
   * it into a file the same way). Neither the whole context nor the secret build variables ever go
   * anywhere but memory and the socket.
   */
  private static InputStream requestBody(byte[] fields, Optional<Path> context) {
    String separator = fields.length > 1 ? "," : "";
    if (context.isEmpty()) {
      return new ByteArrayInputStream(
          concat(fields, (separator + "\"build_context\":null}").getBytes(StandardCharsets.UTF_8)));
    }
    try {
      InputStream file = Files.newInputStream(context.get());
      return new SequenceInputStream(
          Collections.enumeration(
              List.of(
                  new ByteArrayInputStream(
                      concat(
                          fields,
                          (separator + "\"build_context\":\"").getBytes(StandardCharsets.UTF_8))),
                  new Base64InputStream(file, true, 0, null), // encodes, no line breaks
                  new ByteArrayInputStream("\"}".getBytes(StandardCharsets.UTF_8)))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the build context: " + e.getMessage(), e);
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  private BuildProgress liveLines(String id, BuildProgress listener) {
    return new BuildProgress() {
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

  private BuildResult send(HttpRequest.BodyPublisher payload, BuildProgress listener) {
    HttpRequest httpRequest =
        HttpRequest.newBuilder(URI.create(baseUrl + "/api/v1/build/sse"))
            .timeout(Duration.ofHours(1))
            .header("Content-Type", "application/json")
            .header("Accept", "text/event-stream")
            .header(ApiClient.AUTH_HEADER, token)
            .POST(payload)
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

  private static BuildResult readEvents(InputStream body, BuildProgress listener)
      throws IOException {
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

  private static BuildResult dispatch(String event, String data, BuildProgress listener)
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
