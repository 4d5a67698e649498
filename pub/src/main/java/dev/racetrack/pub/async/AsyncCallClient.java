package dev.racetrack.pub.async;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import dev.racetrack.model.AsyncJobCall;
import dev.racetrack.model.Json;
import dev.racetrack.model.http.ApiClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Lifecycle's store of async calls ({@code /api/v1/job/async/call}), asked with the components'
 * internal token, never blocking.
 */
public final class AsyncCallClient implements TaskStore {
  private static final String BASE = "/api/v1/job/async/call";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient http;
  private final String lifecycleUrl;
  private final String internalToken;

  /**
   * @param lifecycleUrl lifecycle's base URL ({@code LIFECYCLE_URL}, e.g. {@code
   *     http://127.0.0.1:7202/lifecycle})
   */
  public AsyncCallClient(HttpClient http, String lifecycleUrl, String internalToken) {
    this.http = Objects.requireNonNull(http, "http");
    this.lifecycleUrl = Objects.requireNonNull(lifecycleUrl, "lifecycleUrl");
    this.internalToken = Objects.requireNonNull(internalToken, "internalToken");
  }

  /** The store answered something other than what it should have. */
  public static final class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreException(String message) {
      super(message);
    }
  }

  @Override
  public CompletableFuture<AsyncJobCall> create(AsyncJobCall task, Duration lease) {
    return send("POST", BASE + "?lease_seconds=" + seconds(lease), task)
        .thenApply(r -> parse(expect(r, 201), AsyncJobCall.class));
  }

  @Override
  public CompletableFuture<Optional<AsyncJobCall>> find(String id) {
    return send("GET", BASE + "/" + id, null)
        .thenApply(
            r ->
                r.statusCode() == 404
                    ? Optional.empty()
                    : Optional.of(parse(expect(r, 200), AsyncJobCall.class)));
  }

  @Override
  public CompletableFuture<Optional<AsyncJobCall>> update(AsyncJobCall task, Duration lease) {
    return send("PUT", BASE + "/" + task.id() + "?lease_seconds=" + seconds(lease), task)
        .thenApply(
            r ->
                r.statusCode() == 409
                    ? Optional.empty()
                    : Optional.of(parse(expect(r, 200), AsyncJobCall.class)));
  }

  @Override
  public CompletableFuture<Boolean> renew(String id, String ownerId, Duration lease) {
    return send(
            "POST",
            BASE + "/" + id + "/lease",
            Map.of("owner_id", ownerId, "lease_seconds", seconds(lease)))
        .thenApply(r -> r.statusCode() != 409 && expect(r, 200) != null);
  }

  @Override
  public CompletableFuture<List<AsyncJobCall>> claim(String ownerId, Duration lease, int limit) {
    JavaType type =
        Json.mapper().getTypeFactory().constructType(new TypeReference<List<AsyncJobCall>>() {});
    return send(
            "POST",
            BASE + "/claim",
            Map.of("owner_id", ownerId, "lease_seconds", seconds(lease), "limit", limit))
        .thenApply(r -> parse(expect(r, 200), type));
  }

  @Override
  public CompletableFuture<Boolean> delete(String id) {
    return send("DELETE", BASE + "/" + id, null)
        .thenApply(r -> r.statusCode() != 404 && expect(r, 200) != null);
  }

  private CompletableFuture<HttpResponse<byte[]>> send(String method, String path, Object body) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(lifecycleUrl + path))
            .version(HttpClient.Version.HTTP_1_1)
            .timeout(TIMEOUT)
            .header(ApiClient.INTERNAL_TOKEN_HEADER, internalToken)
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body)))
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] expect(HttpResponse<byte[]> response, int status) {
    if (response.statusCode() != status) {
      throw new StoreException(
          "lifecycle's async call store answered HTTP "
              + response.statusCode()
              + " to "
              + response.request().method()
              + " "
              + response.request().uri().getPath()
              + ": "
              + new String(response.body(), java.nio.charset.StandardCharsets.UTF_8));
    }
    return response.body();
  }

  private static <T> T parse(byte[] body, Class<T> type) {
    return parse(body, Json.mapper().getTypeFactory().constructType(type));
  }

  private static <T> T parse(byte[] body, JavaType type) {
    try {
      return Json.mapper().readValue(body, type);
    } catch (IOException e) {
      throw new UncheckedIOException("unreadable answer from lifecycle's async call store", e);
    }
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }
}
