package dev.racetrack.pub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.http.ApiClient;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Asks lifecycle whether a call may go through ({@code /api/v1/auth/can-call-job/...}). */
final class LifecycleClient {
  static final String TRACING_HEADER = "X-Request-Tracing-Id";

  private final HttpClient http;
  private final String lifecycleUrl;
  private final String internalToken;

  /**
   * @param internalToken the components' shared secret: lifecycle answers only the gateway
   */
  LifecycleClient(HttpClient http, String lifecycleUrl, String internalToken) {
    this.http = http;
    this.lifecycleUrl = lifecycleUrl;
    this.internalToken = internalToken;
  }

  /**
   * Returns lifecycle's decision; transport failures and 5xx answers are reported as 503 with
   * {@code reachable=false} so a cached permit may stand in.
   */
  CompletableFuture<Answer> canCall(
      String job, String version, String path, Optional<String> token, String tracingId) {
    String url =
        lifecycleUrl
            + "/api/v1/auth/can-call-job/"
            + encode(job)
            + "/"
            + encode(version)
            + (path.startsWith("/") ? path : "/" + path);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header(TRACING_HEADER, tracingId)
            .header(ApiClient.INTERNAL_TOKEN_HEADER, internalToken)
            .GET();
    token.ifPresent(t -> request.header("X-Racetrack-Auth", t));
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
        .handle(
            (response, failure) ->
                failure == null
                    ? answer(response)
                    : new Answer(
                        Decision.refuse(
                            503, "Racetrack lifecycle is unreachable: " + rootMessage(failure)),
                        false));
  }

  /**
   * The job's current internal address ({@code host:port}) from lifecycle, asked with the internal
   * token alone; empty when the job is unknown or has no address; fails when lifecycle cannot be
   * reached or answers otherwise.
   */
  CompletableFuture<Optional<String>> jobAddress(String job, String version) {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    lifecycleUrl
                        + "/api/v1/auth/job-address/"
                        + encode(job)
                        + "/"
                        + encode(version)))
            .timeout(Duration.ofSeconds(30))
            .header(ApiClient.INTERNAL_TOKEN_HEADER, internalToken)
            .GET()
            .build();
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
        .thenApply(
            response -> {
              if (response.statusCode() == 404) {
                return Optional.<String>empty();
              }
              if (response.statusCode() != 200) {
                throw new IllegalStateException(
                    "lifecycle answered HTTP "
                        + response.statusCode()
                        + " to where job "
                        + job
                        + " v"
                        + version
                        + " is: "
                        + errorOf(response.body()).orElse(""));
              }
              try {
                String address =
                    Json.mapper().readTree(response.body()).path("internal_name").asText("");
                return address.isEmpty() ? Optional.<String>empty() : Optional.of(address);
              } catch (IOException e) {
                throw new IllegalStateException("lifecycle gave an unreadable job address", e);
              }
            });
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }

  private static Answer answer(HttpResponse<String> response) {
    int status = response.statusCode();
    if (status == 200) {
      return permit(response.body())
          .map(permit -> new Answer(Decision.allow(permit), true))
          .orElseGet(
              () ->
                  new Answer(
                      Decision.refuse(503, "lifecycle gave an unreadable answer to authorization"),
                      false));
    }
    String error = errorOf(response.body()).orElse("HTTP " + status);
    if (status == 401 || status == 403) {
      return new Answer(Decision.refuse(401, "Unauthenticated: " + error), true);
    }
    if (status == 404) {
      return new Answer(Decision.refuse(404, "Proxy request error: " + error), true);
    }
    if (status == 503) {
      return new Answer(Decision.refuse(503, error), true);
    }
    return new Answer(
        Decision.refuse(
            503, "lifecycle failed to authorize the call (HTTP " + status + "): " + error),
        false);
  }

  /** A decision and whether lifecycle actually gave it (vs. being unreachable or failing). */
  record Answer(Decision decision, boolean reachable) {}

  /** The permit in a 200 answer; empty when the body is not JSON or names no job. */
  private static Optional<CallPermit> permit(String body) {
    JsonNode root;
    try {
      root = Json.mapper().readTree(body);
    } catch (IOException e) {
      return Optional.empty();
    }
    JsonNode job = root == null ? null : root.get("job");
    if (job == null || !job.path("name").isTextual() || !job.path("version").isTextual()) {
      return Optional.empty();
    }
    JsonNode caller = root.path("caller");
    JsonNode timeout = job.path("call_timeout");
    return Optional.of(
        new CallPermit(
            job.path("name").asText(),
            job.path("version").asText(),
            job.path("internal_name").asText(""),
            job.path("status").asText(""),
            caller.isTextual() ? Optional.of(caller.asText()) : Optional.empty(),
            timeout.canConvertToLong() && timeout.asLong() > 0
                ? Optional.of(Duration.ofSeconds(timeout.asLong()))
                : Optional.empty(),
            Math.max(0, job.path("max_concurrency").asInt(0)),
            Math.max(0, job.path("max_concurrency_queue").asInt(0)),
            replicas(job.path("replica_internal_names"))));
  }

  /** The replicas' addresses lifecycle names (textual entries only). */
  private static List<String> replicas(JsonNode names) {
    List<String> replicas = new ArrayList<>();
    names.forEach(
        n -> {
          if (n.isTextual() && !n.asText().isEmpty()) {
            replicas.add(n.asText());
          }
        });
    return replicas;
  }

  private static Optional<String> errorOf(String body) {
    try {
      JsonNode node = Json.mapper().readTree(body);
      return node != null && node.hasNonNull("error")
          ? Optional.of(node.get("error").asText())
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
