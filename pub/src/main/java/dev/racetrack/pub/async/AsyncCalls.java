package dev.racetrack.pub.async;

import dev.racetrack.model.AsyncJobCall;
import dev.racetrack.pub.exchange.PubAnswer;
import dev.racetrack.pub.exchange.PubRequest;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PUB's async job calls (reference §14, issue 8): start a task, poll it (long poll), read its
 * status. Tasks live in a {@link TaskStore} shared by every PUB; the PUB that starts a task runs it
 * under a lease, another takes it over when that PUB stops. Unlike the original, poll and status
 * need the caller's token, allowed to call the task's job. Never blocks the calling thread.
 */
public final class AsyncCalls implements AsyncEndpoint, AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncCalls.class);
  private static final String NEW = "/pub/async/new/job/";
  private static final Pattern TASK = Pattern.compile("/pub/async/task/([^/]+)/(poll|status)/?");

  private final AsyncConfig config;
  private final CallGate gate;
  private final TaskStore store;
  private final AsyncMetrics metrics;
  private final Clock clock;
  private final TaskRunner runner;

  /**
   * @param gate what a synchronous call would be told, and where jobs are
   * @param store the tasks shared by every PUB (lifecycle's: {@link AsyncCallClient})
   * @param jobs calls the jobs
   * @param registry where the {@code pub_async_*} meters go
   */
  public AsyncCalls(
      AsyncConfig config,
      CallGate gate,
      TaskStore store,
      JobClient jobs,
      MeterRegistry registry,
      Clock clock) {
    this.config = Objects.requireNonNull(config, "config");
    this.gate = Objects.requireNonNull(gate, "gate");
    this.store = Objects.requireNonNull(store, "store");
    this.metrics = new AsyncMetrics(Objects.requireNonNull(registry, "registry"));
    this.clock = Objects.requireNonNull(clock, "clock");
    this.runner = new TaskRunner(config, gate, store, jobs, metrics, clock);
  }

  /** Starts looking for tasks other PUBs abandoned (call once, after construction). */
  public AsyncCalls start() {
    LOG.info("async job calls: {}", config.describe());
    runner.start();
    return this;
  }

  @Override
  public CompletableFuture<PubAnswer> handle(PubRequest request) {
    try {
      String path = request.path();
      if (path.startsWith(NEW)) {
        return begin(request, path.substring(NEW.length()));
      }
      Matcher task = TASK.matcher(path);
      if (!task.matches()) {
        return done(PubAnswer.error(404, "no such async endpoint: " + path, "NotFound"));
      }
      if (!request.method().equals("GET")) {
        return done(methodNotAllowed("GET"));
      }
      Optional<String> id = taskId(task.group(1));
      if (id.isEmpty()) {
        return done(TaskAnswers.notFound(task.group(1)));
      }
      return task.group(2).equals("poll") ? poll(id.get(), request) : status(id.get(), request);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  @Override
  public CompletableFuture<PubAnswer> adopt(
      String jobName,
      String jobVersion,
      String jobPath,
      PubRequest request,
      CompletableFuture<PubAnswer> answer) {
    AsyncJobCall task =
        newTask(
            jobName, jobVersion, jobPath, request, ForwardedHeaders.of(request, Optional.empty()));
    return store
        .create(task, config.lease())
        .thenApply(
            stored -> {
              metrics.started(jobName, jobVersion);
              runner.adopt(stored, answer);
              return TaskAnswers.accepted(202, stored.id());
            });
  }

  private CompletableFuture<PubAnswer> begin(PubRequest request, String rest) {
    if (!request.method().equals("GET") && !request.method().equals("POST")) {
      return done(methodNotAllowed("GET, POST"));
    }
    String[] parts = rest.split("/", 3);
    if (parts.length < 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
      return done(
          PubAnswer.error(
              404,
              "an async call needs /pub/async/new/job/NAME/VERSION/PATH, got " + request.path(),
              "NotFound"));
    }
    String jobPath = parts.length == 3 ? "/" + parts[2] : "/";
    return gate.admit(parts[0], parts[1], jobPath, request)
        .thenCompose(
            verdict ->
                switch (verdict) {
                  case CallGate.Rejection r -> done(r.answer());
                  case CallGate.Admission a -> create(a, jobPath, request);
                });
  }

  private CompletableFuture<PubAnswer> create(
      CallGate.Admission admission, String jobPath, PubRequest request) {
    AsyncJobCall task =
        newTask(
            admission.jobName(),
            admission.jobVersion(),
            jobPath,
            request,
            ForwardedHeaders.of(request, admission.caller()));
    return store
        .create(task, config.lease())
        .thenApply(
            stored -> {
              metrics.started(stored.jobName(), stored.jobVersion());
              runner.run(stored, Optional.of(admission.address()));
              return TaskAnswers.accepted(201, stored.id());
            })
        .exceptionally(
            e -> {
              LOG.warn("cannot store a new async task: {}", e.toString());
              return PubAnswer.error(
                  503, "async tasks cannot be stored now; try again later", "Unavailable");
            });
  }

  private AsyncJobCall newTask(
      String jobName,
      String jobVersion,
      String jobPath,
      PubRequest request,
      Map<String, String> headers) {
    return new AsyncJobCall(
        UUID.randomUUID().toString(),
        AsyncJobCall.ONGOING,
        runner.now(),
        null,
        null,
        jobName,
        jobVersion,
        jobPath,
        request.method(),
        request.path() + (request.query().isEmpty() ? "" : "?" + request.query()),
        headers,
        request.body(),
        null,
        Map.of(),
        new byte[0],
        1,
        "",
        false,
        config.instanceId(),
        null);
  }

  private CompletableFuture<PubAnswer> poll(String id, PubRequest request) {
    long deadline = clock.millis() + config.pollWindow().toMillis();
    return authorised(id, request)
        .thenCompose(
            found -> {
              if (found.answer().isPresent()) {
                return done(found.answer().get());
              }
              AsyncJobCall task = found.task().orElseThrow();
              if (!task.ongoing()) {
                return done(TaskAnswers.result(task));
              }
              return awaitEnd(id, deadline)
                  .thenApply(end -> end.map(TaskAnswers::result).orElseGet(TaskAnswers::timeout));
            });
  }

  private CompletableFuture<PubAnswer> status(String id, PubRequest request) {
    return authorised(id, request)
        .thenApply(
            found ->
                found.answer().orElseGet(() -> TaskAnswers.status(found.task().orElseThrow())));
  }

  /** A task the caller may see, or the answer to give instead. */
  private record Found(Optional<AsyncJobCall> task, Optional<PubAnswer> answer) {}

  private CompletableFuture<Found> authorised(String id, PubRequest request) {
    return store
        .find(id)
        .thenCompose(
            found -> {
              if (found.isEmpty() || expired(found.get())) {
                found.ifPresent(t -> store.delete(t.id()));
                return CompletableFuture.completedFuture(
                    new Found(Optional.empty(), Optional.of(TaskAnswers.notFound(id))));
              }
              AsyncJobCall task = found.get();
              return gate.admit(task.jobName(), task.jobVersion(), task.jobPath(), request)
                  .thenApply(
                      verdict ->
                          switch (verdict) {
                            case CallGate.Rejection r ->
                                new Found(Optional.empty(), Optional.of(r.answer()));
                            case CallGate.Admission a -> new Found(found, Optional.empty());
                          });
            });
  }

  private boolean expired(AsyncJobCall task) {
    return task.endedAt() != null
        && (task.endedAt() * 1000) + config.resultLifetime().toMillis() < clock.millis();
  }

  /** The task's end, or empty when it still runs at {@code deadline} (or vanished). */
  private CompletableFuture<Optional<AsyncJobCall>> awaitEnd(String id, long deadline) {
    long remaining = deadline - clock.millis();
    if (remaining <= 0) {
      return done(Optional.empty());
    }
    Optional<CompletableFuture<AsyncJobCall>> here = runner.local(id);
    if (here.isPresent()) {
      CompletableFuture<Optional<AsyncJobCall>> end = new CompletableFuture<>();
      here.get()
          .whenComplete(
              (task, lost) -> {
                if (lost == null) {
                  end.complete(Optional.of(task));
                } else {
                  awaitEnd(id, deadline)
                      .whenComplete((t, e) -> end.complete(t == null ? Optional.empty() : t));
                }
              });
      return end.completeOnTimeout(Optional.empty(), remaining, TimeUnit.MILLISECONDS);
    }
    return store
        .find(id)
        .thenCompose(
            found -> {
              if (found.isEmpty() || !found.get().ongoing()) {
                return done(found);
              }
              Double lease = found.get().leaseUntil();
              if (lease == null || lease * 1000 < clock.millis()) {
                runner.claimOrphans(true);
              }
              long pause = Math.min(config.storePollInterval().toMillis(), remaining);
              return CompletableFuture.runAsync(
                      () -> {}, CompletableFuture.delayedExecutor(pause, TimeUnit.MILLISECONDS))
                  .thenCompose(x -> awaitEnd(id, deadline));
            });
  }

  private static Optional<String> taskId(String text) {
    try {
      return Optional.of(UUID.fromString(text).toString());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static PubAnswer methodNotAllowed(String allowed) {
    PubAnswer error =
        PubAnswer.error(405, "Method not allowed; use " + allowed, "MethodNotAllowed");
    return new PubAnswer(
        405, List.of(error.headers().get(0), Map.entry("Allow", allowed)), error.body());
  }

  private static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  /** Stops running tasks here (their leases lapse and another PUB takes them over). */
  @Override
  public void close() {
    runner.close();
  }
}
