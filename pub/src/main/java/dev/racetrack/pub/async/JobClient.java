package dev.racetrack.pub.async;

import dev.racetrack.model.AsyncJobCall;
import dev.racetrack.model.auth.JobCallSecrets;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Calls a job for an async task, as PUB forwards a synchronous call: to {@code
 * http://ADDRESS/pub/job/NAME/VERSION/PATH} with the task's stored headers and the job's secret.
 */
public final class JobClient {
  /** Headers the HTTP client sets itself, or that must not pass (lower case). */
  static final Set<String> NOT_SENT =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "expect",
          "http2-settings");

  private final HttpClient http;
  private final JobCallSecrets secrets;
  private final Duration timeout;

  /**
   * @param timeout the longest one call may take ({@code ASYNC_CALL_TIMEOUT_SECONDS})
   */
  public JobClient(HttpClient http, JobCallSecrets secrets, Duration timeout) {
    this.http = Objects.requireNonNull(http, "http");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** What one call to the job gave. */
  sealed interface Outcome permits Answered, Broken, NotCalled {}

  /** The job answered (any status). */
  record Answered(int status, Map<String, String> headers, byte[] body) implements Outcome {}

  /** No answer: the connection failed or broke (the job died mid-call), or the call timed out. */
  record Broken(String error) implements Outcome {}

  /** The job was not called: a failure that a retry would not cure (e.g. the job is gone). */
  record NotCalled(String error) implements Outcome {}

  /** Calls the job at {@code address} ({@code host:port}); never completes exceptionally. */
  CompletableFuture<Outcome> call(AsyncJobCall task, String address) {
    HttpRequest request;
    try {
      request = request(task, address);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(
          new Broken("cannot call the job: " + e.getMessage()));
    }
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .<Outcome>thenApply(r -> new Answered(r.statusCode(), headers(r.headers()), r.body()))
        .exceptionally(e -> new Broken("job call failed: " + describe(e)));
  }

  private HttpRequest request(AsyncJobCall task, String address) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + address + target(task)))
            .version(HttpClient.Version.HTTP_1_1)
            .timeout(timeout)
            .method(
                task.requestMethod(), HttpRequest.BodyPublishers.ofByteArray(task.requestBody()));
    task.requestHeaders()
        .forEach(
            (name, value) -> {
              if (!NOT_SENT.contains(name.toLowerCase(Locale.ROOT))) {
                request.header(name, value);
              }
            });
    request.header(JobCallSecrets.HEADER, secrets.secret(task.jobName(), task.jobVersion()));
    return request.build();
  }

  /** The path and query the job is called at (the query is the one the task was started with). */
  static String target(AsyncJobCall task) {
    String url = task.requestUrl();
    int query = url.indexOf('?');
    String path = task.jobPath().startsWith("/") ? task.jobPath() : "/" + task.jobPath();
    return "/pub/job/"
        + task.jobName()
        + "/"
        + task.jobVersion()
        + path
        + (query < 0 ? "" : url.substring(query));
  }

  /** The answer's end-to-end headers, multiple values joined by a comma. */
  private static Map<String, String> headers(HttpHeaders headers) {
    Map<String, String> out = new LinkedHashMap<>();
    headers
        .map()
        .forEach(
            (name, values) -> {
              String lower = name.toLowerCase(Locale.ROOT);
              if (!NOT_SENT.contains(lower) && !lower.startsWith(":")) {
                out.put(name, String.join(lower.equals("set-cookie") ? "\n" : ", ", values));
              }
            });
    return out;
  }

  private static String describe(Throwable e) {
    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  static String text(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }
}
