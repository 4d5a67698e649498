package dev.racetrack.dashboard.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Lifecycle's public API, called with the logged-in user's token: the dashboard's only way to the
 * platform's data.
 */
public final class LifecycleClient {
  private static final String AUTH = "X-Racetrack-Auth";
  private static final String SESSION_COOKIE = "racetrack_session=";
  private final HttpClient http;
  private final URI base;

  public LifecycleClient(HttpClient http, URI base) {
    this.http = http;
    this.base = base;
  }

  /**
   * What a login gives: the user's profile ({@code username}, {@code token}, {@code is_staff}) and
   * the lifecycle browser-session token the dashboard then calls with.
   */
  public record LoginResult(JsonNode profile, String sessionToken) {
    @Override
    public String toString() {
      return "LoginResult[" + profile.path("username").asText() + "]";
    }
  }

  public LoginResult login(String username, String password) {
    HttpResponse<String> response =
        send(
            request("/api/v1/users/login", Optional.empty())
                .POST(body(Map.of("username", username, "password", password))));
    JsonNode profile = parse(check(response));
    String session =
        response.headers().allValues("Set-Cookie").stream()
            .filter(c -> c.startsWith(SESSION_COOKIE))
            .map(c -> c.substring(SESSION_COOKIE.length()).split(";", 2)[0])
            .map(v -> java.net.URLDecoder.decode(v, StandardCharsets.UTF_8))
            .filter(v -> !v.isBlank())
            .findFirst()
            .orElseThrow(() -> new LifecycleException(502, "lifecycle's login gave no session"));
    return new LoginResult(profile, session);
  }

  /** Registers an account (it waits for activation); lifecycle's message. */
  public JsonNode register(String username, String password) {
    return parse(
        check(
            send(
                request("/api/v1/users/register", Optional.empty())
                    .POST(body(Map.of("username", username, "password", password))))));
  }

  public JsonNode get(String token, String path) {
    return parse(check(send(request(path, Optional.of(token)).GET())));
  }

  /** A page of a list lifecycle answers as an array, and the next page's cursor if any. */
  public record ArrayPage(JsonNode items, Optional<String> next) {}

  /**
   * A GET of a paged array (the audit log, the deployments): the next page's cursor comes in
   * lifecycle's {@code X-Racetrack-Next-Cursor} header.
   */
  public ArrayPage getPage(String token, String path) {
    HttpResponse<String> response = send(request(path, Optional.of(token)).GET());
    return new ArrayPage(
        parse(check(response)), response.headers().firstValue("X-Racetrack-Next-Cursor"));
  }

  public String getText(String token, String path) {
    return check(send(request(path, Optional.of(token)).GET()));
  }

  public JsonNode post(String token, String path, Object body) {
    return parse(check(send(request(path, Optional.of(token)).POST(body(body)))));
  }

  /** A POST of raw bytes (a plugin bundle) with their content type. */
  public JsonNode postBytes(String token, String path, byte[] body, String contentType) {
    return parse(
        check(
            send(
                request(path, Optional.of(token))
                    .setHeader("Content-Type", contentType)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)))));
  }

  public JsonNode put(String token, String path, Object body) {
    return parse(check(send(request(path, Optional.of(token)).PUT(body(body)))));
  }

  public JsonNode delete(String token, String path) {
    return parse(check(send(request(path, Optional.of(token)).DELETE())));
  }

  /** Revokes the lifecycle session behind a dashboard login. */
  public void logout(String token) {
    send(request("/api/v1/users/logout", Optional.of(token)).GET());
  }

  /** Opens a server-sent event stream of lifecycle (log follow); the caller closes it. */
  public InputStream stream(String token, String path) {
    try {
      HttpResponse<InputStream> response =
          http.send(
              request(path, Optional.of(token)).timeout(Duration.ofDays(1)).GET().build(),
              HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        try (InputStream body = response.body()) {
          throw new LifecycleException(
              response.statusCode(),
              error(new String(body.readAllBytes(), StandardCharsets.UTF_8)));
        }
      }
      return response.body();
    } catch (IOException e) {
      throw new LifecycleException("lifecycle is unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LifecycleException("interrupted", e);
    }
  }

  /** Connects to lifecycle's job-change event stream ({@code /websocket/events}). */
  public CompletableFuture<WebSocket> events(String token, WebSocket.Listener listener) {
    URI uri = URI.create(base.toString().replaceFirst("^http", "ws") + "/websocket/events");
    return http.newWebSocketBuilder().header(AUTH, token).buildAsync(uri, listener);
  }

  public static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private HttpRequest.Builder request(String path, Optional<String> token) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json");
    token.ifPresent(t -> builder.header(AUTH, t));
    return builder;
  }

  private static HttpRequest.BodyPublisher body(Object body) {
    return HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body));
  }

  private HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new LifecycleException("lifecycle is unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LifecycleException("interrupted", e);
    }
  }

  private static String check(HttpResponse<String> response) {
    if (response.statusCode() / 100 != 2) {
      throw new LifecycleException(response.statusCode(), error(response.body()));
    }
    return response.body();
  }

  private static String error(String body) {
    JsonNode node = parse(body);
    String error = node.path("error").asText("");
    return error.isBlank() ? "lifecycle answered: " + body : error;
  }

  private static JsonNode parse(String body) {
    if (body == null || body.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      return Json.mapper().readTree(body);
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }
}
