package dev.racetrack.pub.async;

import dev.racetrack.model.AsyncJobCall;
import dev.racetrack.pub.exchange.PubAnswer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The answers of the async endpoints (reference §14.1). */
final class TaskAnswers {
  private TaskAnswers() {}

  static String pollPath(String id) {
    return "/pub/async/task/" + id + "/poll";
  }

  /** 201 (started) or 202 (adopted): the task's id, where to poll it. */
  static PubAnswer accepted(int status, String id) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("task_id", id);
    body.put("status", AsyncJobCall.ONGOING);
    body.put("poll_url", pollPath(id));
    PubAnswer json = PubAnswer.json(status, body);
    List<Map.Entry<String, String>> headers = new ArrayList<>(json.headers());
    headers.add(Map.entry("Location", pollPath(id)));
    return new PubAnswer(status, headers, json.body());
  }

  static PubAnswer status(AsyncJobCall task) {
    return PubAnswer.json(200, Map.of("task_id", task.id(), "status", task.status()));
  }

  /** Still running at the end of the poll window: poll again. */
  static PubAnswer timeout() {
    return new PubAnswer(
        408,
        List.of(Map.entry("Content-Type", "text/plain; charset=utf-8")),
        "Time-out".getBytes(StandardCharsets.UTF_8));
  }

  static PubAnswer notFound(String id) {
    return PubAnswer.error(404, "async task " + id + " not found", "NotFound");
  }

  /** An ended task: the job's answer replayed, or 500 with what failed. */
  static PubAnswer result(AsyncJobCall task) {
    if (AsyncJobCall.COMPLETED.equals(task.status()) && task.responseStatusCode() != null) {
      List<Map.Entry<String, String>> headers = new ArrayList<>();
      task.responseHeaders()
          .forEach(
              (name, value) -> {
                if (name.equalsIgnoreCase("set-cookie")) {
                  value.lines().forEach(v -> headers.add(Map.entry(name, v)));
                } else {
                  headers.add(Map.entry(name, value));
                }
              });
      return new PubAnswer(task.responseStatusCode(), headers, task.responseBody());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("task_id", task.id());
    body.put("status", AsyncJobCall.FAILED);
    body.put("job_name", task.jobName());
    body.put("job_version", task.jobVersion());
    body.put("job_path", task.jobPath());
    body.put("http_method", task.requestMethod());
    body.put("started_at", task.startedAt());
    body.put("ended_at", task.endedAt());
    body.put("duration", task.endedAt() == null ? null : task.endedAt() - task.startedAt());
    body.put("error", task.error());
    body.put("attempts", task.attempts());
    return PubAnswer.json(500, body);
  }
}
