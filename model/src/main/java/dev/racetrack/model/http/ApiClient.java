package dev.racetrack.model.http;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.UnavailableException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.net.ssl.SSLHandshakeException;

/**
 * A small JSON client for the platform's own APIs: sends JSON, parses JSON, and turns error
 * responses ({@code {"error": ...}}) into {@link ApiException}s carrying the server's message.
 */
public final class ApiClient {
  public static final String AUTH_HEADER = "X-Racetrack-Auth";

  /** Carries the components' shared internal token (PUB asking lifecycle about a job call). */
  public static final String INTERNAL_TOKEN_HEADER = "X-Racetrack-Internal-Token";

  private final HttpClient http;
  private final String baseUrl;
  private final Map<String, String> headers;
  private final Duration timeout;

  /**
   * @param baseUrl prefix of every path, e.g. {@code http://127.0.0.1:7202/lifecycle}
   * @param headers headers sent with every request (e.g. the auth token)
   */
  public ApiClient(HttpClient http, String baseUrl, Map<String, String> headers, Duration timeout) {
    this.http = Objects.requireNonNull(http, "http");
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.headers = Map.copyOf(headers);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** A client that additionally sends {@code name: value} with every request. */
  public ApiClient withHeader(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(headers);
    more.put(name, value);
    return new ApiClient(http, baseUrl, more, timeout);
  }

  public String baseUrl() {
    return baseUrl;
  }

  public <T> T get(String path, Class<T> type) {
    return parse(send(request(path).GET()), Json.mapper().constructType(type));
  }

  public <T> T get(String path, TypeReference<T> type) {
    return parse(send(request(path).GET()), Json.mapper().constructType(type));
  }

  /** GET returning the raw body text (for text/plain endpoints). */
  public String getText(String path) {
    return send(request(path).GET()).body();
  }

  public <T> T post(String path, Object body, Class<T> type) {
    return parse(send(request(path).POST(json(body))), Json.mapper().constructType(type));
  }

  /** POST of raw bytes (e.g. a ZIP) with the given content type. */
  public <T> T postBytes(String path, byte[] body, String contentType, Class<T> type) {
    HttpRequest.Builder builder =
        request(path)
            .setHeader("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    return parse(send(builder), Json.mapper().constructType(type));
  }

  /** GET returning the raw body bytes (e.g. a ZIP download). */
  public byte[] getBytes(String path) {
    HttpRequest request = request(path).setHeader("Accept", "*/*").GET().build();
    HttpResponse<byte[]> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UnavailableException(
          "request to " + request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while calling " + request.uri(), e);
    }
    if (response.statusCode() >= 400) {
      throw new ApiException(
          response.statusCode(),
          new String(response.body(), java.nio.charset.StandardCharsets.UTF_8),
          "GET " + request.uri().getPath());
    }
    return response.body();
  }

  public <T> T put(String path, Object body, Class<T> type) {
    return parse(send(request(path).PUT(json(body))), Json.mapper().constructType(type));
  }

  public <T> T delete(String path, Class<T> type) {
    return parse(send(request(path).DELETE()), Json.mapper().constructType(type));
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(baseUrl + path))
            .timeout(timeout)
            .header("Accept", "application/json")
            .header("Content-Type", "application/json; charset=utf-8");
    headers.forEach(builder::header);
    return builder;
  }

  private static HttpRequest.BodyPublisher json(Object body) {
    return HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body));
  }

  private HttpResponse<String> send(HttpRequest.Builder builder) {
    HttpRequest request = builder.build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new UnavailableException("request to " + request.uri() + " timed out", e);
    } catch (ConnectException e) {
      throw new UnavailableException("cannot connect to " + baseUrl + " (is it running?)", e);
    } catch (SSLHandshakeException e) {
      throw new UnavailableException(
          "the TLS certificate of "
              + baseUrl
              + " is not trusted ("
              + e.getMessage()
              + "); trust the CA that signed it with: racetrack set ca-cert CA.pem"
              + " (or RACETRACK_CA_CERT=CA.pem)",
          e);
    } catch (IOException e) {
      throw new UnavailableException(
          "request to " + request.uri() + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while calling " + request.uri(), e);
    }
    if (response.statusCode() >= 400) {
      throw new ApiException(
          response.statusCode(),
          errorMessage(response),
          request.method() + " " + request.uri().getPath());
    }
    return response;
  }

  private static String errorMessage(HttpResponse<String> response) {
    String body = response.body();
    try {
      JsonNode node = Json.mapper().readTree(body);
      if (node != null && node.hasNonNull("error")) {
        return node.get("error").asText();
      }
    } catch (IOException e) {
      // not JSON: fall through to the raw text
    }
    String text = body == null ? "" : body.strip();
    return text.isEmpty()
        ? "HTTP " + response.statusCode()
        : text.substring(0, Math.min(500, text.length()));
  }

  private static <T> T parse(HttpResponse<String> response, JavaType type) {
    String body = response.body();
    try {
      if (body == null || body.isBlank()) {
        return Json.mapper().readValue("null", type);
      }
      return Json.mapper().readValue(body, type);
    } catch (IOException e) {
      throw new UnavailableException(
          "unexpected response from "
              + response.uri()
              + " (HTTP "
              + response.statusCode()
              + "): "
              + e.getMessage(),
          e);
    }
  }
}
