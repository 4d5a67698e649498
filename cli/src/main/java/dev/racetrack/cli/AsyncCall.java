package dev.racetrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.http.ApiClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;

/**
 * {@code racetrack call --async}: starts a job call as an async task through PUB (reference §14),
 * then polls it, showing a progress line on stderr, until the job's answer comes.
 */
final class AsyncCall {
  /** Poll answers meaning "still running, poll again". */
  private static final Set<Integer> AGAIN = Set.of(202, 408, 504);

  /** A poll answered sooner than this (not a long poll) is not repeated sooner. */
  private static final Duration MIN_POLL_INTERVAL = Duration.ofSeconds(1);

  private final HttpClient http;
  private final String token;
  private final PrintStream progress;

  AsyncCall(HttpClient http, String token, PrintStream progress) {
    this.http = http;
    this.token = token;
    this.progress = progress;
  }

  /**
   * The job's URL at PUB's own host, where PUB serves its async endpoints: the platform's {@code
   * external_pub_url} (from {@code /api/v1/info}) with the job's {@code /job/NAME/VERSION}. A job's
   * {@code pub_url} may be on its own host ({@code PUB_JOB_DOMAIN}), where PUB serves only the job;
   * a platform that does not say keeps the job's URL.
   */
  static String pubJobUrl(CliContext context, String lifecycle, String jobPubUrl) {
    int at = jobPubUrl.indexOf("/pub/job/");
    if (at < 0) {
      return jobPubUrl;
    }
    try {
      String external =
          context
              .anonymous(lifecycle)
              .get("/api/v1/info", com.fasterxml.jackson.databind.JsonNode.class)
              .path("external_pub_url")
              .asText("");
      if (external.endsWith("/pub")) {
        return external + jobPubUrl.substring(at + "/pub".length());
      }
    } catch (RuntimeException e) {
      // an older platform without /api/v1/info: the job's own URL
    }
    return jobPubUrl;
  }

  /**
   * Runs the call and returns the job's final answer.
   *
   * @param pubJobUrl the job's URL at PUB ({@code .../pub/job/NAME/VERSION})
   * @param start the call's method and body, without URL and token
   */
  HttpResponse<String> run(String pubJobUrl, String path, HttpRequest.Builder start)
      throws IOException, InterruptedException {
    int at = pubJobUrl.indexOf("/pub/job/");
    if (at < 0) {
      throw new CliException("the job's URL " + pubJobUrl + " is not a PUB URL (/pub/job/...)");
    }
    String pub = pubJobUrl.substring(0, at);
    String startUrl = pub + "/pub/async/new/job/" + pubJobUrl.substring(at + "/pub/job/".length());
    HttpResponse<String> started =
        http.send(
            start
                .uri(URI.create(startUrl + path))
                .timeout(Duration.ofMinutes(1))
                .header(ApiClient.AUTH_HEADER, token)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (started.statusCode() != 201 && started.statusCode() != 202) {
      throw new CliException(
          "PUB refused to start the async call: HTTP "
              + started.statusCode()
              + ": "
              + started.body().strip());
    }
    String taskId = json(started.body()).path("task_id").asText("");
    if (taskId.isEmpty()) {
      throw new CliException("PUB started an async call without a task_id: " + started.body());
    }
    return await(pub, taskId);
  }

  /**
   * Polls until the task's answer comes. A poll answers 202, 408 or 504 while the task runs, but a
   * job may answer 504 itself (e.g. past its {@code call_timeout}), which a poll then replays at
   * once: after each such answer the task's status says whether it has ended, and if so one more
   * poll gives its answer, final whatever its code. Answers quicker than {@link #MIN_POLL_INTERVAL}
   * are not asked again sooner.
   */
  private HttpResponse<String> await(String pub, String taskId)
      throws IOException, InterruptedException {
    long begin = System.nanoTime();
    HttpRequest poll = taskRequest(pub, taskId, "poll", Duration.ofMinutes(5));
    HttpRequest status = taskRequest(pub, taskId, "status", Duration.ofMinutes(1));
    while (true) {
      long asked = System.nanoTime();
      HttpResponse<String> answer = http.send(poll, HttpResponse.BodyHandlers.ofString());
      if (!AGAIN.contains(answer.statusCode())) {
        return answer;
      }
      HttpResponse<String> state = http.send(status, HttpResponse.BodyHandlers.ofString());
      String taskStatus =
          state.statusCode() == 200 ? json(state.body()).path("status").asText("") : "";
      if (taskStatus.equals("completed") || taskStatus.equals("failed")) {
        return http.send(poll, HttpResponse.BodyHandlers.ofString());
      }
      long seconds = Duration.ofNanos(System.nanoTime() - begin).toSeconds();
      progress.printf("async task %s: ongoing, %ds elapsed%n", taskId, seconds);
      long early = MIN_POLL_INTERVAL.toNanos() - (System.nanoTime() - asked);
      if (early > 0) {
        Thread.sleep(Duration.ofNanos(early));
      }
    }
  }

  private HttpRequest taskRequest(String pub, String taskId, String what, Duration timeout) {
    return HttpRequest.newBuilder(URI.create(pub + "/pub/async/task/" + taskId + "/" + what))
        .timeout(timeout)
        .header(ApiClient.AUTH_HEADER, token)
        .GET()
        .build();
  }

  /** The error message of a failed task's 500 answer, if that is what {@code body} is. */
  static String failure(String body) {
    JsonNode failed = json(body);
    if (!"failed".equals(failed.path("status").asText())) {
      return "";
    }
    return "async task "
        + failed.path("task_id").asText()
        + " failed after "
        + failed.path("attempts").asInt()
        + " attempt(s): "
        + failed.path("error").asText();
  }

  private static JsonNode json(String body) {
    try {
      JsonNode node = Json.mapper().readTree(body);
      return node == null ? Json.mapper().missingNode() : node;
    } catch (IOException e) {
      return Json.mapper().missingNode();
    }
  }
}
