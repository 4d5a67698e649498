package dev.racetrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.http.ApiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Follows a server-sent event stream of log lines ({@code GET .../logs/stream}): prints the text of
 * each {@code data:} line as it arrives, skips comments ({@code :}, keep-alives) and other fields,
 * and returns when the server ends the stream. {@link ApiClient} reads whole bodies, so this reads
 * the response itself, with the same headers and the same one-line errors.
 */
final class LogStream {
  /** How long to wait for the response to start; the stream itself may stay quiet for longer. */
  private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

  private LogStream() {}

  /**
   * @param lifecycle the lifecycle URL
   * @param path the stream's path and query below it
   */
  static void follow(CliContext context, String lifecycle, String path, PrintStream out)
      throws InterruptedException {
    String base =
        lifecycle.endsWith("/") ? lifecycle.substring(0, lifecycle.length() - 1) : lifecycle;
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(ANSWER_TIMEOUT)
            .header("Accept", "text/event-stream")
            .header(ApiClient.AUTH_HEADER, context.token(lifecycle))
            .header("User-Agent", CliContext.USER_AGENT)
            .GET()
            .build();
    HttpResponse<InputStream> response = send(context, request, base);
    try (InputStream body = response.body()) {
      if (response.statusCode() != 200) {
        throw new CliException(errorMessage(response.statusCode(), body.readNBytes(64 * 1024)));
      }
      BufferedReader reader =
          new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        Optional<String> data = data(line);
        if (data.isPresent()) {
          out.println(data.get());
          out.flush();
        }
      }
    } catch (IOException e) {
      throw new CliException("the log stream from " + base + " broke off: " + e.getMessage());
    }
  }

  private static HttpResponse<InputStream> send(
      CliContext context, HttpRequest request, String base) throws InterruptedException {
    try {
      return context.http().send(request, HttpResponse.BodyHandlers.ofInputStream());
    } catch (HttpTimeoutException e) {
      throw new CliException(
          "no answer from " + request.uri() + " within " + ANSWER_TIMEOUT.toSeconds() + " s");
    } catch (ConnectException e) {
      throw new CliException("cannot connect to " + base + " (is it running?)");
    } catch (IOException e) {
      throw new CliException("request to " + request.uri() + " failed: " + e.getMessage());
    }
  }

  /**
   * The text of a {@code data} field, per the event-stream format: the value after the first colon,
   * less one leading space; empty for a bare {@code data}. Nothing for comments, blank lines and
   * other fields ({@code event}, {@code id}, {@code retry}).
   */
  static Optional<String> data(String line) {
    if (line.equals("data")) {
      return Optional.of("");
    }
    if (!line.startsWith("data:")) {
      return Optional.empty();
    }
    String value = line.substring("data:".length());
    return Optional.of(value.startsWith(" ") ? value.substring(1) : value);
  }

  /** The server's {@code error} text, else its body on one line, else the status. */
  static String errorMessage(int status, byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    try {
      JsonNode node = Json.mapper().readTree(text);
      if (node != null && node.hasNonNull("error")) {
        return node.get("error").asText();
      }
    } catch (IOException e) {
      // not JSON: fall through to the raw text
    }
    String line = text.strip().replaceAll("\\s+", " ");
    return line.isEmpty() ? "HTTP " + status : line.substring(0, Math.min(500, line.length()));
  }
}
