package dev.racetrack.pub.async;

import dev.racetrack.model.AsyncJobCall;
import dev.racetrack.pub.exchange.PubAnswer;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the async tasks this PUB owns: calls the job (retrying once when it died mid-call or
 * answered 404), renews the task's lease while it runs, stores the outcome, and takes over tasks
 * whose owner stopped renewing. Nothing here blocks: every step continues a future.
 */
final class TaskRunner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);
  private static final int CLAIM_BATCH = 10;
  private static final int STORE_TRIES = 3;

  private final AsyncConfig config;
  private final CallGate gate;
  private final TaskStore store;
  private final JobClient jobs;
  private final AsyncMetrics metrics;
  private final Clock clock;
  private final Map<String, Running> local = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timers =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().daemon().name("pub-async-timers").factory());
  private final AtomicBoolean claiming = new AtomicBoolean();
  private volatile boolean closed;

  TaskRunner(
      AsyncConfig config,
      CallGate gate,
      TaskStore store,
      JobClient jobs,
      AsyncMetrics metrics,
      Clock clock) {
    this.config = config;
    this.gate = gate;
    this.store = store;
    this.jobs = jobs;
    this.metrics = metrics;
    this.clock = clock;
  }

  /** A task running here: completes with its end, or exceptionally when this PUB lost it. */
  private record Running(CompletableFuture<AsyncJobCall> done, ScheduledFuture<?> renewal) {}

  /** The task lost to another PUB (its lease expired before this one renewed it). */
  static final class TaskLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TaskLostException(String id) {
      super("async task " + id + " is now run by another PUB");
    }
  }

  /** Looks for abandoned tasks every {@link AsyncConfig#claimInterval()}. */
  void start() {
    long every = config.claimInterval().toMillis();
    timers.scheduleWithFixedDelay(() -> claimOrphans(false), every, every, TimeUnit.MILLISECONDS);
  }

  /** The end of a task running here, if it runs here. */
  Optional<CompletableFuture<AsyncJobCall>> local(String id) {
    return Optional.ofNullable(local.get(id)).map(Running::done);
  }

  double now() {
    return clock.millis() / 1000.0;
  }

  /** Runs a task this PUB owns; {@code address} is the job's, else it is looked up. */
  void run(AsyncJobCall task, Optional<String> address) {
    Running running = register(task);
    if (running != null) {
      attempt(task, address, running);
    }
  }

  /** Runs a task whose first call is already in flight ({@code answer}). */
  void adopt(AsyncJobCall task, CompletableFuture<PubAnswer> answer) {
    Running running = register(task);
    if (running != null) {
      answer
          .handle(
              (a, e) ->
                  e == null
                      ? (JobClient.Outcome) new JobClient.Answered(a.status(), headers(a), a.body())
                      : new JobClient.Broken("job call failed: " + e))
          .thenAccept(outcome -> afterCall(task, outcome, running));
    }
  }

  private Running register(AsyncJobCall task) {
    long every = Math.max(1, config.lease().toMillis() / 3);
    CompletableFuture<AsyncJobCall> done = new CompletableFuture<>();
    ScheduledFuture<?> renewal =
        timers.scheduleWithFixedDelay(() -> renew(task.id()), every, every, TimeUnit.MILLISECONDS);
    Running running = new Running(done, renewal);
    if (local.putIfAbsent(task.id(), running) != null) {
      renewal.cancel(false);
      return null;
    }
    return running;
  }

  private void renew(String id) {
    store
        .renew(id, config.instanceId(), config.lease())
        .whenComplete(
            (owned, e) -> {
              if (e != null) {
                LOG.warn("cannot renew the lease of async task {}: {}", id, e.toString());
              } else if (!owned) {
                Running running = local.remove(id);
                if (running != null) {
                  running.renewal().cancel(false);
                  running.done().completeExceptionally(new TaskLostException(id));
                }
              }
            });
  }

  private void attempt(AsyncJobCall task, Optional<String> address, Running running) {
    CompletableFuture<Optional<String>> where =
        address.isPresent()
            ? CompletableFuture.completedFuture(address)
            : gate.locate(task.jobName(), task.jobVersion())
                .exceptionally(
                    e -> {
                      LOG.warn("cannot locate job {}: {}", task.jobName(), e.toString());
                      return Optional.empty();
                    });
    where
        .thenCompose(
            a ->
                a.isPresent()
                    ? jobs.call(task, a.get())
                    : CompletableFuture.completedFuture(
                        (JobClient.Outcome)
                            new JobClient.NotCalled(
                                "job "
                                    + task.jobName()
                                    + " v"
                                    + task.jobVersion()
                                    + " has no address (deleted or not running)")))
        .thenAccept(outcome -> afterCall(task, outcome, running));
  }

  private void afterCall(AsyncJobCall task, JobClient.Outcome outcome, Running running) {
    if (closed || running.done().isDone()) {
      return;
    }
    switch (outcome) {
      case JobClient.Answered a when a.status() != 404 ->
          end(
              task.ended(
                  AsyncJobCall.COMPLETED, now(), null, false, a.status(), a.headers(), a.body()),
              running);
      case JobClient.Answered a ->
          failed(
              task,
              "job returned 404 Not Found response: " + JobClient.text(a.body()),
              true,
              running);
      case JobClient.Broken b -> failed(task, b.error(), true, running);
      case JobClient.NotCalled n -> failed(task, n.error(), false, running);
    }
  }

  private void failed(AsyncJobCall task, String error, boolean retriable, Running running) {
    if (!retriable || task.attempts() >= config.maxAttempts()) {
      end(
          task.ended(AsyncJobCall.FAILED, now(), error, retriable, null, Map.of(), new byte[0]),
          running);
      return;
    }
    LOG.info("async task {} attempt {} failed ({}); retrying", task.id(), task.attempts(), error);
    metrics.retried();
    CompletableFuture.runAsync(
            () -> {},
            CompletableFuture.delayedExecutor(
                config.retryInterval().toMillis(), TimeUnit.MILLISECONDS))
        .thenCompose(x -> store.update(task.nextAttempt(), config.lease()))
        .whenComplete(
            (stored, e) -> {
              if (e != null || stored.isEmpty()) {
                lose(task.id(), running, e);
              } else if (!closed) {
                attempt(stored.get(), Optional.empty(), running);
              }
            });
  }

  private void end(AsyncJobCall ended, Running running) {
    metrics.done(ended.jobName(), ended.jobVersion());
    if (AsyncJobCall.FAILED.equals(ended.status())) {
      metrics.error();
    }
    keep(ended, running, STORE_TRIES);
  }

  /** Stores a task's end; tries again when the store fails (not when another PUB owns it). */
  private void keep(AsyncJobCall ended, Running running, int tries) {
    store
        .update(ended, config.lease())
        .whenComplete(
            (stored, e) -> {
              if (e != null && tries > 1 && !closed) {
                LOG.warn("cannot store the end of async task {}: {}", ended.id(), e.toString());
                CompletableFuture.runAsync(
                    () -> keep(ended, running, tries - 1),
                    CompletableFuture.delayedExecutor(
                        config.retryInterval().toMillis(), TimeUnit.MILLISECONDS));
              } else if (e != null || stored.isEmpty()) {
                lose(ended.id(), running, e);
              } else {
                running.renewal().cancel(false);
                local.remove(ended.id(), running);
                running.done().complete(stored.get());
              }
            });
  }

  private void lose(String id, Running running, Throwable cause) {
    if (cause != null) {
      LOG.warn("cannot store async task {}: {}", id, cause.toString());
    }
    running.renewal().cancel(false);
    local.remove(id, running);
    running.done().completeExceptionally(new TaskLostException(id));
  }

  /**
   * Takes over the tasks whose owner stopped renewing their lease (a PUB that died or restarted)
   * and runs them again, each counting an attempt.
   *
   * @param foundByPoll whether a poll found the task abandoned (else the periodic look)
   */
  void claimOrphans(boolean foundByPoll) {
    if (closed || !claiming.compareAndSet(false, true)) {
      return;
    }
    store
        .claim(config.instanceId(), config.lease(), CLAIM_BATCH)
        .whenComplete(
            (tasks, e) -> {
              claiming.set(false);
              if (e != null) {
                LOG.warn("cannot claim abandoned async tasks: {}", e.toString());
                return;
              }
              for (AsyncJobCall task : tasks) {
                metrics.takenOver(foundByPoll);
                takeOver(task);
              }
            });
  }

  private void takeOver(AsyncJobCall task) {
    Running running = register(task);
    if (running == null) {
      return;
    }
    if (task.attempts() > config.maxAttempts()) {
      end(
          task.ended(
              AsyncJobCall.FAILED,
              now(),
              "the PUB running this task stopped; no attempts left (" + config.maxAttempts() + ")",
              true,
              null,
              Map.of(),
              new byte[0]),
          running);
      return;
    }
    LOG.info("taking over async task {} (attempt {})", task.id(), task.attempts());
    attempt(task, Optional.empty(), running);
  }

  private static Map<String, String> headers(PubAnswer answer) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : answer.headers()) {
      out.merge(
          h.getKey(),
          h.getValue(),
          (a, b) -> a + (h.getKey().equalsIgnoreCase("set-cookie") ? "\n" : ", ") + b);
    }
    return out;
  }

  /** Stops this PUB's work: nothing more is stored, leases lapse, another PUB takes over. */
  @Override
  public void close() {
    closed = true;
    timers.shutdownNow();
    local.values().forEach(r -> r.done().completeExceptionally(new TaskLostException("(closed)")));
    local.clear();
  }
}
