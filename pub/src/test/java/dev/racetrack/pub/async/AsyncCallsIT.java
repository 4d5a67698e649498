package dev.racetrack.pub.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.AsyncJobCall;
import dev.racetrack.model.Json;
import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.pub.exchange.PubAnswer;
import dev.racetrack.pub.exchange.PubRequest;
import dev.racetrack.pub.upstream.Transport;
import dev.racetrack.pub.upstream.UpstreamPool;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Issue #8 async calls: AsyncCalls driven with PubRequests, on lifecycle's real task store. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncCallsIT {
  private static final JobCallSecrets SECRETS =
      new JobCallSecrets("a-job-call-key-of-at-least-32-characters");
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TaskStoreFixture store;
  private static final EventLoopGroup LOOPS =
      new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
  private static final UpstreamPool POOL =
      new UpstreamPool(
          Transport.NIO,
          ByteBufAllocator.DEFAULT,
          Duration.ofSeconds(2),
          Duration.ofSeconds(30),
          4);
  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  void startStore() {
    store = new TaskStoreFixture();
  }

  @AfterAll
  void stopStore() {
    store.close();
  }

  @AfterEach
  void closeOpened() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
    opened.clear();
  }

  /** A PUB's async calls with test-sized timings, over {@code store}. */
  private record Pub(AsyncCalls calls, SimpleMeterRegistry metrics, FakeCallGate gate) {}

  private Pub pub(AsyncJobFixture job, Map<String, String> env) {
    return pub(job, env, store.store());
  }

  private Pub pub(AsyncJobFixture job, Map<String, String> env, TaskStore taskStore) {
    return pub(job.address(), env, taskStore);
  }

  private Pub pub(String jobAddress, Map<String, String> env, TaskStore taskStore) {
    Map<String, String> settings = new HashMap<>();
    settings.put("ASYNC_POLL_WINDOW_SECONDS", "10");
    settings.put("ASYNC_RETRY_INTERVAL_SECONDS", "0.05");
    settings.put("ASYNC_CLAIM_INTERVAL_SECONDS", "600");
    settings.put("ASYNC_STORE_POLL_SECONDS", "0.05");
    settings.putAll(env);
    AsyncConfig config = AsyncConfig.fromEnv(settings);
    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    FakeCallGate gate = new FakeCallGate(jobAddress);
    AsyncCalls calls =
        new AsyncCalls(
                config,
                gate,
                taskStore,
                new JobClient(POOL, LOOPS, SECRETS, config.callTimeout()),
                metrics,
                Clock.systemUTC())
            .start();
    opened.add(calls);
    return new Pub(calls, metrics, gate);
  }

  private AsyncJobFixture job(boolean held, String... script) {
    AsyncJobFixture job = new AsyncJobFixture(held, script);
    opened.add(job);
    return job;
  }

  private static PubRequest request(String method, String path, String token, String body) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("Host", "pub.example"));
    headers.add(Map.entry("Content-Type", "application/json"));
    headers.add(Map.entry("Cookie", "X-Racetrack-Auth=cookie-token; theme=dark"));
    headers.add(Map.entry("X-Caller-Name", "mallory"));
    headers.add(Map.entry("X-Racetrack-Job-Secret", "forged"));
    if (token != null) {
      headers.add(Map.entry("X-Racetrack-Auth", token));
    }
    int query = path.indexOf('?');
    return new PubRequest(
        method,
        query < 0 ? path : path.substring(0, query),
        query < 0 ? "" : path.substring(query + 1),
        headers,
        body.getBytes(StandardCharsets.UTF_8),
        "127.0.0.9",
        "http");
  }

  private static PubAnswer answer(CompletableFuture<PubAnswer> future) {
    return future.orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
  }

  private static JsonNode json(PubAnswer answer) {
    try {
      return Json.mapper().readTree(answer.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String text(PubAnswer answer) {
    return new String(answer.body(), StandardCharsets.UTF_8);
  }

  private static Optional<String> header(PubAnswer answer, String name) {
    return answer.headers().stream()
        .filter(h -> h.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }

  private static String start(AsyncCalls calls) {
    PubAnswer started =
        answer(
            calls.handle(
                request(
                    "POST",
                    "/pub/async/new/job/adder/latest/api/v1/perform?x=1",
                    "good",
                    "{\"numbers\": [1, 2]}")));
    assertThat(started.status()).as(text(started)).isEqualTo(201);
    assertThat(json(started).path("status").asText()).isEqualTo("ongoing");
    return json(started).path("task_id").asText();
  }

  private static PubAnswer poll(AsyncCalls calls, String id, String token) {
    return answer(calls.handle(request("GET", "/pub/async/task/" + id + "/poll", token, "")));
  }

  private static PubAnswer status(AsyncCalls calls, String id, String token) {
    return answer(calls.handle(request("GET", "/pub/async/task/" + id + "/status", token, "")));
  }

  private AsyncJobCall stored(String id) {
    return store.store().find(id).join().orElseThrow();
  }

  private static double count(SimpleMeterRegistry metrics, String name) {
    return metrics.find(name).counters().stream().mapToDouble(c -> c.count()).sum();
  }

  @Test
  void start_thenPoll_replaysTheJobsAnswerAndCallsTheJobAsASyncCallWould() {
    AsyncJobFixture job = job(false);
    Pub pub = pub(job, Map.of());
    String id = start(pub.calls());

    PubAnswer result = poll(pub.calls(), id, "good");
    assertThat(result.status()).isEqualTo(200);
    assertThat(text(result)).isEqualTo("{\"sum\": 3}");
    assertThat(header(result, "X-Job")).contains("yes");
    assertThat(json(status(pub.calls(), id, "good")).path("status").asText())
        .isEqualTo("completed");

    assertThat(job.received()).hasSize(1);
    AsyncJobFixture.Received call = job.received().getFirst();
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.uri()).isEqualTo("/pub/job/adder/1.0.0/api/v1/perform?x=1");
    assertThat(call.bodyText()).isEqualTo("{\"numbers\": [1, 2]}");
    assertThat(call.headers().getFirst("X-Racetrack-Job-Secret"))
        .isEqualTo(SECRETS.secret("adder", "1.0.0"));
    assertThat(call.headers().getFirst("X-Caller-Name")).isEqualTo("alice");
    assertThat(call.headers().getFirst("X-Forwarded-For")).isEqualTo("127.0.0.9");
    assertThat(call.headers().getFirst("X-Request-Tracing-Id")).isNotBlank();
    assertThat(call.headers()).doesNotContainKeys("X-racetrack-auth", "Cookie");
    assertThat(call.headers().getFirst("Content-Type")).isEqualTo("application/json");
    assertThat(stored(id).requestHeaders())
        .doesNotContainKeys("X-Racetrack-Auth", "Cookie", "X-Racetrack-Job-Secret");

    assertThat(count(pub.metrics(), "pub_async_job_calls_started")).isEqualTo(1);
    assertThat(count(pub.metrics(), "pub_async_job_calls_done")).isEqualTo(1);
  }

  /**
   * Issue #7 §1: a job behind the Docker target's relay has the address {@code unix:/path}; an
   * async call reaches it there like a synchronous one does (here the socket forwards to the
   * fixture's port, as the relay forwards to the job's namespace).
   */
  @Test
  void start_thenPoll_toAJobBehindAUnixSocket_replaysItsAnswer(@TempDir Path tmp)
      throws IOException {
    AsyncJobFixture job = job(false);
    Path socket = tmp.resolve("job.sock");
    opened.add(UnixRelay.start(socket, job.address()));
    Pub pub = pub("unix:" + socket, Map.of(), store.store());
    String id = start(pub.calls());

    PubAnswer result = poll(pub.calls(), id, "good");
    assertThat(result.status()).as(text(result)).isEqualTo(200);
    assertThat(text(result)).isEqualTo("{\"sum\": 3}");
    assertThat(job.received())
        .singleElement()
        .satisfies(
            call -> {
              assertThat(call.uri()).isEqualTo("/pub/job/adder/1.0.0/api/v1/perform?x=1");
              assertThat(call.headers().getFirst("X-Racetrack-Job-Secret"))
                  .isEqualTo(SECRETS.secret("adder", "1.0.0"));
              assertThat(call.headers().getFirst("Host")).isEqualTo("localhost");
            });
  }

  @Test
  void start_withAnotherMethodOrRefusedCaller_isAnsweredLikeASyncCall() {
    AsyncJobFixture job = job(false);
    Pub pub = pub(job, Map.of());
    PubAnswer put =
        answer(pub.calls().handle(request("PUT", "/pub/async/new/job/adder/latest/x", "good", "")));
    assertThat(put.status()).isEqualTo(405);
    assertThat(header(put, "Allow")).contains("GET, POST");
    assertThat(
            answer(
                    pub.calls()
                        .handle(request("POST", "/pub/async/new/job/adder/latest/x", null, "")))
                .status())
        .isEqualTo(401);
    assertThat(
            answer(
                    pub.calls()
                        .handle(
                            request("POST", "/pub/async/new/job/adder/latest/x", "stranger", "")))
                .status())
        .isEqualTo(403);
    assertThat(job.received()).isEmpty();
    assertThat(count(pub.metrics(), "pub_async_job_calls_started")).isZero();
  }

  @Test
  void pollAndStatus_needACallerAllowedToCallTheJob() {
    AsyncJobFixture job = job(false);
    Pub pub = pub(job, Map.of());
    String id = start(pub.calls());
    assertThat(poll(pub.calls(), id, "good").status()).isEqualTo(200);

    assertThat(poll(pub.calls(), id, null).status()).isEqualTo(401);
    assertThat(status(pub.calls(), id, null).status()).isEqualTo(401);
    assertThat(poll(pub.calls(), id, "stranger").status()).isEqualTo(403);
    assertThat(status(pub.calls(), id, "stranger").status()).isEqualTo(403);
    assertThat(poll(pub.calls(), java.util.UUID.randomUUID().toString(), "good").status())
        .isEqualTo(404);
    assertThat(status(pub.calls(), "not-a-uuid", "good").status()).isEqualTo(404);
  }

  @Test
  void poll_whileTheJobRuns_answers408AfterTheWindow_thenTheResult() {
    AsyncJobFixture job = job(true);
    Pub pub = pub(job, Map.of("ASYNC_POLL_WINDOW_SECONDS", "0.3"));
    String id = start(pub.calls());

    PubAnswer early = poll(pub.calls(), id, "good");
    assertThat(early.status()).isEqualTo(408);
    assertThat(text(early)).isEqualTo("Time-out");
    assertThat(json(status(pub.calls(), id, "good")).path("status").asText()).isEqualTo("ongoing");

    job.release();
    await().atMost(WAIT).until(() -> poll(pub.calls(), id, "good").status() == 200);
  }

  @Test
  void jobDyingMidCall_isRetriedOnce() {
    AsyncJobFixture job = job(false, AsyncJobFixture.DIE);
    Pub pub = pub(job, Map.of());
    String id = start(pub.calls());

    PubAnswer result = poll(pub.calls(), id, "good");
    assertThat(result.status()).as(text(result)).isEqualTo(200);
    assertThat(job.received()).hasSize(2);
    assertThat(stored(id).attempts()).isEqualTo(2);
    assertThat(count(pub.metrics(), "pub_async_retried_task")).isEqualTo(1);
  }

  @Test
  void jobAnswering404_isRetriedOnce() {
    AsyncJobFixture job = job(false, AsyncJobFixture.NOT_FOUND);
    Pub pub = pub(job, Map.of());
    String id = start(pub.calls());

    assertThat(poll(pub.calls(), id, "good").status()).isEqualTo(200);
    assertThat(job.received()).hasSize(2);
  }

  @Test
  void jobDyingOnEveryAttempt_failsWith500AfterTwoAttempts() {
    AsyncJobFixture job = job(false, AsyncJobFixture.DIE, AsyncJobFixture.DIE, AsyncJobFixture.DIE);
    Pub pub = pub(job, Map.of());
    String id = start(pub.calls());

    PubAnswer result = poll(pub.calls(), id, "good");
    assertThat(result.status()).isEqualTo(500);
    JsonNode body = json(result);
    assertThat(body.path("task_id").asText()).isEqualTo(id);
    assertThat(body.path("status").asText()).isEqualTo("failed");
    assertThat(body.path("job_name").asText()).isEqualTo("adder");
    assertThat(body.path("job_version").asText()).isEqualTo("1.0.0");
    assertThat(body.path("job_path").asText()).isEqualTo("/api/v1/perform");
    assertThat(body.path("http_method").asText()).isEqualTo("POST");
    assertThat(body.path("attempts").asInt()).isEqualTo(2);
    assertThat(body.path("error").asText()).contains("job call failed");
    assertThat(body.path("duration").isNumber()).isTrue();
    assertThat(job.received()).hasSize(2);
    assertThat(count(pub.metrics(), "pub_async_job_calls_errors")).isEqualTo(1);
  }

  @Test
  void pollOnAnotherPub_readsTheStoredState() {
    AsyncJobFixture job = job(true);
    Pub owner = pub(job, Map.of());
    Pub other = pub(job, Map.of());
    String id = start(owner.calls());

    CompletableFuture<PubAnswer> polled =
        other.calls().handle(request("GET", "/pub/async/task/" + id + "/poll", "good", ""));
    await().atMost(WAIT).until(() -> job.received().size() == 1);
    assertThat(polled).isNotDone();
    job.release();
    PubAnswer result = answer(polled);
    assertThat(result.status()).isEqualTo(200);
    assertThat(text(result)).isEqualTo("{\"sum\": 3}");
    assertThat(job.received()).hasSize(1);
  }

  /**
   * A store that counts the claims a PUB makes, and fails the first {@code failEnds} writes of a
   * task's end (lifecycle unreachable for a moment).
   */
  private static final class CountingStore implements TaskStore {
    private final TaskStore store;
    final AtomicInteger claims = new AtomicInteger();
    final AtomicInteger failEnds = new AtomicInteger();

    CountingStore(TaskStore store) {
      this.store = store;
    }

    @Override
    public CompletableFuture<AsyncJobCall> create(AsyncJobCall task, Duration lease) {
      return store.create(task, lease);
    }

    @Override
    public CompletableFuture<Optional<AsyncJobCall>> find(String id) {
      return store.find(id);
    }

    @Override
    public CompletableFuture<Optional<AsyncJobCall>> update(AsyncJobCall task, Duration lease) {
      if (!task.ongoing() && failEnds.getAndDecrement() > 0) {
        return CompletableFuture.failedFuture(new IllegalStateException("lifecycle is down"));
      }
      return store.update(task, lease);
    }

    @Override
    public CompletableFuture<Boolean> renew(String id, String ownerId, Duration lease) {
      return store.renew(id, ownerId, lease);
    }

    @Override
    public CompletableFuture<List<AsyncJobCall>> claim(String ownerId, Duration lease, int limit) {
      claims.incrementAndGet();
      return store.claim(ownerId, lease, limit);
    }

    @Override
    public CompletableFuture<Boolean> delete(String id) {
      return store.delete(id);
    }
  }

  @Test
  void twoPubsSharingTheStore_neverRunATaskTwice() {
    AsyncJobFixture job = job(true);
    // leases of 1.5 s renewed every 0.5 s; the other PUB tries to claim every 50 ms
    Map<String, String> fast =
        Map.of("ASYNC_LEASE_SECONDS", "1.5", "ASYNC_CLAIM_INTERVAL_SECONDS", "0.05");
    Pub first = pub(job, fast);
    CountingStore watched = new CountingStore(store.store());
    Pub second = pub(job, fast, watched);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(start(i % 2 == 0 ? first.calls() : second.calls()));
    }
    await().atMost(WAIT).until(() -> job.received().size() == 5);
    // the tasks outlive two leases while the other PUB keeps trying to claim (at least 70
    // claims, one after the other, every 50 ms: more than 3.5 s)
    int claimsBefore = watched.claims.get();
    await().atMost(WAIT).until(() -> watched.claims.get() >= claimsBefore + 70);
    job.release();
    for (String id : ids) {
      assertThat(poll(first.calls(), id, "good").status()).isEqualTo(200);
      assertThat(stored(id).attempts()).isEqualTo(1);
    }
    assertThat(job.received()).hasSize(5);
    assertThat(count(first.metrics(), "pub_async_retried_crashed_task")).isZero();
    assertThat(count(second.metrics(), "pub_async_retried_crashed_task")).isZero();
  }

  @Test
  void pubStoppingMidCall_leavesTheTaskToAnotherPub_whichRunsItAgain() throws Exception {
    AsyncJobFixture job = job(true);
    Pub crashed = pub(job, Map.of("ASYNC_LEASE_SECONDS", "0.5"));
    String id = start(crashed.calls());
    await().atMost(WAIT).until(() -> job.received().size() == 1);
    crashed.calls().close();

    Pub restarted =
        pub(job, Map.of("ASYNC_LEASE_SECONDS", "0.5", "ASYNC_CLAIM_INTERVAL_SECONDS", "0.05"));
    await().atMost(WAIT).until(() -> job.received().size() == 2);
    job.release();
    PubAnswer result = poll(restarted.calls(), id, "good");
    assertThat(result.status()).isEqualTo(200);
    AsyncJobCall task = stored(id);
    assertThat(task.attempts()).isEqualTo(2);
    assertThat(task.status()).isEqualTo("completed");
    assertThat(count(restarted.metrics(), "pub_async_retried_crashed_task")).isEqualTo(1);
  }

  @Test
  void pollFindingTheOwnerGone_takesTheTaskOver() throws Exception {
    AsyncJobFixture job = job(true);
    Pub crashed = pub(job, Map.of("ASYNC_LEASE_SECONDS", "0.5"));
    String id = start(crashed.calls());
    await().atMost(WAIT).until(() -> job.received().size() == 1);
    crashed.calls().close();

    Pub other = pub(job, Map.of("ASYNC_LEASE_SECONDS", "0.5"));
    CompletableFuture<PubAnswer> polled =
        other.calls().handle(request("GET", "/pub/async/task/" + id + "/poll", "good", ""));
    await().atMost(WAIT).until(() -> job.received().size() == 2);
    job.release();
    assertThat(answer(polled).status()).isEqualTo(200);
    assertThat(count(other.metrics(), "pub_async_retried_missing_task")).isEqualTo(1);
  }

  @Test
  void result_expiresAfterItsLifetime() {
    AsyncJobFixture job = job(false);
    Pub pub = pub(job, Map.of("ASYNC_RESULT_LIFETIME_SECONDS", "0.5"));
    String id = start(pub.calls());
    assertThat(poll(pub.calls(), id, "good").status()).isEqualTo(200);

    await().atMost(WAIT).until(() -> poll(pub.calls(), id, "good").status() == 404);
    assertThat(status(pub.calls(), id, "good").status()).isEqualTo(404);
    assertThat(store.store().find(id).join()).isEmpty();
  }

  @Test
  void adopt_turnsAnInFlightCallIntoATask_withoutCallingTheJobAgain() {
    AsyncJobFixture job = job(false);
    Pub pub = pub(job, Map.of("ASYNC_POLL_WINDOW_SECONDS", "0.2"));
    CompletableFuture<PubAnswer> inFlight = new CompletableFuture<>();
    PubAnswer accepted =
        answer(
            pub.calls()
                .adopt(
                    "adder",
                    "1.0.0",
                    "/api/v1/perform",
                    request("POST", "/pub/job/adder/latest/api/v1/perform", "good", "{}"),
                    inFlight));
    assertThat(accepted.status()).isEqualTo(202);
    String id = json(accepted).path("task_id").asText();
    assertThat(header(accepted, "Location")).contains("/pub/async/task/" + id + "/poll");
    assertThat(poll(pub.calls(), id, "good").status()).isEqualTo(408);

    inFlight.complete(
        new PubAnswer(
            201, List.of(Map.entry("X-Late", "yes")), "made".getBytes(StandardCharsets.UTF_8)));
    PubAnswer result = poll(pub.calls(), id, "good");
    assertThat(result.status()).isEqualTo(201);
    assertThat(text(result)).isEqualTo("made");
    assertThat(header(result, "X-Late")).contains("yes");
    assertThat(job.received()).isEmpty();
  }

  @Test
  void storeFailingWhenTheTaskEnds_isTriedAgain_withoutCallingTheJobAgain() {
    AsyncJobFixture job = job(false);
    CountingStore flaky = new CountingStore(store.store());
    flaky.failEnds.set(2);
    Pub pub = pub(job, Map.of(), flaky);
    String id = start(pub.calls());

    PubAnswer result = poll(pub.calls(), id, "good");
    assertThat(result.status()).isEqualTo(200);
    assertThat(stored(id).status()).isEqualTo("completed");
    assertThat(flaky.failEnds.get()).isNegative();
    assertThat(job.received()).hasSize(1);
  }
}
