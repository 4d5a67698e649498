package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Calls other jobs through the Racetrack gateway: {@code POST {PUB_URL}/job/{name}/{version}{path}}
 * with the job family's token in {@code X-Racetrack-Auth} and, when called while handling a
 * request, that request's tracing id and caller name headers (read from {@link
 * RequestContext#current()}).
 */
public final class JobCallClient {
  static final int MAX_ERROR_BODY_CHARS = 2000;

  private final JobCallConfig config;
  private final Supplier<HttpClient> http;

  public JobCallClient(JobCallConfig config, HttpClient http) {
    this.config = requireNonNull(config, "config");
    requireNonNull(http, "http");
    this.http = () -> http;
  }

  /**
   * A client with its own {@link HttpClient}, made at the first call: most jobs never call another,
   * and an idle client still costs a selector thread and its classes.
   */
  public JobCallClient(JobCallConfig config) {
    this.config = requireNonNull(config, "config");
    this.http =
        new Supplier<>() {
          private HttpClient made;

          @Override
          public synchronized HttpClient get() {
            if (made == null) {
              made =
                  HttpClient.newBuilder()
                      .version(HttpClient.Version.HTTP_1_1)
                      .connectTimeout(config.timeout())
                      .build();
            }
            return made;
          }
        };
  }

  /**
   * Calls {@code path} of job {@code jobName} in {@code version} with {@code payload} as the JSON
   * body and returns the JSON response ({@code null} JSON for an empty body).
   *
   * @throws JobCallException on a non-2xx status, an unreachable gateway or a non-JSON response
   */
  public JsonNode call(String jobName, String version, String path, Object payload) {
    requireNonNull(payload, "payload");
    String target =
        "job \"%s\" %s (POST %s)"
            .formatted(jobName, version, path.startsWith("/") ? path : "/" + path);
    if (config.pubUrl().isEmpty()) {
      throw new JobCallException("cannot call " + target + ": PUB_URL is not set", -1, "");
    }
    HttpResponse<String> response = send(request(jobName, version, path, payload), target);
    if (response.statusCode() / 100 != 2) {
      String body = truncate(response.body().strip());
      throw new JobCallException(
          "failed to call %s: HTTP %d: %s".formatted(target, response.statusCode(), body),
          response.statusCode(),
          body);
    }
    try {
      return response.body().isBlank()
          ? NullNode.getInstance()
          : JobJson.mapper().readTree(response.body());
    } catch (JsonProcessingException e) {
      throw new JobCallException(
          "response of %s is not JSON: %s".formatted(target, truncate(response.body())), e);
    }
  }

  /** Like {@link #call(String, String, String, Object)}, converting the result. */
  public <T> T call(
      String jobName, String version, String path, Object payload, Class<T> resultType) {
    JsonNode result = call(jobName, version, path, payload);
    try {
      return JobJson.mapper().treeToValue(result, resultType);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw conversionFailed(jobName, path, result, e);
    }
  }

  /** Like {@link #call(String, String, String, Object)}, converting to a generic type. */
  public <T> T call(
      String jobName, String version, String path, Object payload, TypeReference<T> resultType) {
    JsonNode result = call(jobName, version, path, payload);
    try {
      return JobJson.mapper().readValue(JobJson.mapper().treeAsTokens(result), resultType);
    } catch (IOException | IllegalArgumentException e) {
      throw conversionFailed(jobName, path, result, e);
    }
  }

  private static JobCallException conversionFailed(
      String jobName, String path, JsonNode result, Exception e) {
    return new JobCallException(
        "result of job \"%s\" (%s) does not fit the expected type: %s: %s"
            .formatted(jobName, path, ArgumentBinder.shortReason(e), truncate(result.toString())),
        e);
  }

  URI uri(String jobName, String version, String path) {
    String suffix = path.startsWith("/") ? path : "/" + path;
    return URI.create(config.pubUrl() + "/job/" + encode(jobName) + "/" + encode(version) + suffix);
  }

  private HttpRequest request(String jobName, String version, String path, Object payload) {
    HttpRequest.Builder builder =
        HttpRequest.newBuilder(uri(jobName, version, path))
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header("Accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body(payload)));
    if (!config.authToken().isEmpty()) {
      builder.header(OpenApiDocument.AUTH_HEADER, config.authToken());
    }
    Optional<RequestContext> current = RequestContext.current();
    for (String header : new String[] {config.tracingHeader(), config.callerHeader()}) {
      current.flatMap(c -> c.header(header)).ifPresent(value -> builder.header(header, value));
    }
    return builder.build();
  }

  private static byte[] body(Object payload) {
    try {
      return JobJson.mapper().writeValueAsBytes(payload);
    } catch (JsonProcessingException e) {
      throw new JobCallException("payload is not JSON-serialisable: " + e.getOriginalMessage(), e);
    }
  }

  private HttpResponse<String> send(HttpRequest request, String target) {
    try {
      return http.get().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new JobCallException("failed to call " + target + ": " + JobLog.describe(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobCallException("interrupted while calling " + target, e);
    }
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String truncate(String text) {
    return text.length() <= MAX_ERROR_BODY_CHARS
        ? text
        : text.substring(0, MAX_ERROR_BODY_CHARS) + "...";
  }
}
