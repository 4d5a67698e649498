package dev.racetrack.pub;

import dev.racetrack.pub.async.AsyncEndpoint;
import dev.racetrack.pub.exchange.PubAnswer;
import dev.racetrack.pub.exchange.PubRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** An async endpoint that records what PUB hands it and answers at once. */
final class FakeAsyncEndpoint implements AsyncEndpoint {
  /** A call PUB handed over after its timeout. */
  record Adopted(
      String job,
      String version,
      String path,
      PubRequest request,
      CompletableFuture<PubAnswer> answer) {}

  final List<PubRequest> handled = new CopyOnWriteArrayList<>();
  final List<Adopted> adopted = new CopyOnWriteArrayList<>();

  @Override
  public CompletableFuture<PubAnswer> handle(PubRequest request) {
    handled.add(request);
    return CompletableFuture.supplyAsync(
        () -> PubAnswer.json(201, Map.of("task_id", "t-1", "bytes", request.body().length)));
  }

  @Override
  public CompletableFuture<PubAnswer> adopt(
      String jobName,
      String jobVersion,
      String jobPath,
      PubRequest request,
      CompletableFuture<PubAnswer> answer) {
    adopted.add(new Adopted(jobName, jobVersion, jobPath, request, answer));
    return CompletableFuture.completedFuture(
        new PubAnswer(
            202,
            List.of(Map.entry("Location", "/pub/async/task/t-2/poll")),
            "{\"task_id\":\"t-2\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
  }
}
