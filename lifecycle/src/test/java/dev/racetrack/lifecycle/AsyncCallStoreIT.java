package dev.racetrack.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.lifecycle.asynccall.AsyncCallRepository;
import dev.racetrack.lifecycle.deployment.DeploymentRepository;
import dev.racetrack.lifecycle.supervisor.Cleanup;
import dev.racetrack.model.AsyncJobCall;
import dev.racetrack.model.Json;
import dev.racetrack.model.http.ApiClient;
import dev.racetrack.spi.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Issue #8 async calls: lifecycle's store of async job calls, for PUB only, with leases. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AsyncCallStoreIT {
  private static final String INTERNAL = "internal-token";
  private static final String BASE = "/api/v1/job/async/call";

  private LifecycleFixture lifecycle;

  @BeforeAll
  void start() {
    lifecycle = new LifecycleFixture(Map.of());
  }

  @AfterAll
  void stop() {
    lifecycle.close();
  }

  private static AsyncJobCall call(String owner) {
    return new AsyncJobCall(
        UUID.randomUUID().toString(),
        AsyncJobCall.ONGOING,
        System.currentTimeMillis() / 1000.0,
        null,
        null,
        "adder",
        "1.0.0",
        "/api/v1/perform",
        "POST",
        "/pub/async/new/job/adder/1.0.0/api/v1/perform",
        Map.of(
            "Content-Type", "application/json",
            "X-Racetrack-Auth", "caller-token",
            "Cookie", "x=y",
            "Authorization", "Bearer b",
            "X-Racetrack-Job-Secret", "s"),
        "{\"numbers\": [1, 2]}".getBytes(StandardCharsets.UTF_8),
        null,
        Map.of(),
        new byte[0],
        1,
        "",
        false,
        owner,
        null);
  }

  private HttpResponse<String> send(String method, String path, Object body, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(lifecycle.url(path)))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body)));
    if (token != null) {
      request.header(ApiClient.INTERNAL_TOKEN_HEADER, token);
    }
    return lifecycle.send(request);
  }

  private static AsyncJobCall parse(String body) {
    try {
      return Json.mapper().readValue(body, AsyncJobCall.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<AsyncJobCall> parseList(String body) {
    try {
      return Json.mapper().readValue(body, new TypeReference<List<AsyncJobCall>>() {});
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private AsyncJobCall create(AsyncJobCall call, String leaseSeconds) {
    HttpResponse<String> created =
        send("POST", BASE + "?lease_seconds=" + leaseSeconds, call, INTERNAL);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return parse(created.body());
  }

  @Test
  void store_withoutInternalToken_refusesEveryEndpoint() {
    AsyncJobCall stored = create(call("pub-a"), "60");
    String admin = lifecycle.adminToken();
    String id = stored.id();
    for (String[] endpoint :
        List.of(
            new String[] {"POST", BASE},
            new String[] {"POST", BASE + "/claim"},
            new String[] {"GET", BASE + "/" + id},
            new String[] {"PUT", BASE + "/" + id},
            new String[] {"POST", BASE + "/" + id + "/lease"},
            new String[] {"DELETE", BASE + "/" + id})) {
      assertThat(send(endpoint[0], endpoint[1], Map.of(), null).statusCode())
          .as("%s %s without a token", endpoint[0], endpoint[1])
          .isEqualTo(401);
      assertThat(send(endpoint[0], endpoint[1], Map.of(), "wrong").statusCode())
          .as("%s %s with a wrong token", endpoint[0], endpoint[1])
          .isEqualTo(401);
      HttpRequest.Builder asAdmin =
          HttpRequest.newBuilder(URI.create(lifecycle.url(endpoint[1])))
              .header("X-Racetrack-Auth", admin)
              .method(endpoint[0], HttpRequest.BodyPublishers.ofString("{}"));
      assertThat(lifecycle.send(asAdmin).statusCode())
          .as("%s %s with an admin's user token", endpoint[0], endpoint[1])
          .isEqualTo(401);
    }
    assertThat(send("GET", BASE + "/" + id, null, INTERNAL).statusCode()).isEqualTo(200);
  }

  @Test
  void create_thenReadUpdateDelete_keepsTheCallWithoutSecrets() {
    AsyncJobCall stored = create(call("pub-a"), "60");
    assertThat(stored.requestHeaders()).containsOnlyKeys("Content-Type");
    assertThat(new String(stored.requestBody(), StandardCharsets.UTF_8))
        .isEqualTo("{\"numbers\": [1, 2]}");
    assertThat(stored.leaseUntil()).isNotNull();
    String raw =
        lifecycle
            .jdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT request_headers::text FROM registry_asyncjobcall WHERE id = :id")
                        .bind("id", stored.id())
                        .mapTo(String.class)
                        .one());
    assertThat(raw).doesNotContain("caller-token", "Bearer", "x=y", "Job-Secret");

    AsyncJobCall done =
        stored.ended(
            AsyncJobCall.COMPLETED,
            stored.startedAt() + 1,
            null,
            false,
            200,
            Map.of("Content-Type", "application/json"),
            "3".getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> updated = send("PUT", BASE + "/" + stored.id(), done, INTERNAL);
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    AsyncJobCall read = parse(send("GET", BASE + "/" + stored.id(), null, INTERNAL).body());
    assertThat(read.status()).isEqualTo(AsyncJobCall.COMPLETED);
    assertThat(read.responseStatusCode()).isEqualTo(200);
    assertThat(read.responseBody()).asString(StandardCharsets.UTF_8).isEqualTo("3");
    assertThat(read.endedAt())
        .isCloseTo(stored.startedAt() + 1, org.assertj.core.data.Offset.offset(0.01));

    assertThat(send("DELETE", BASE + "/" + stored.id(), null, INTERNAL).statusCode())
        .isEqualTo(200);
    assertThat(send("GET", BASE + "/" + stored.id(), null, INTERNAL).statusCode()).isEqualTo(404);
  }

  @Test
  void updateOrRenew_byAnotherOwner_isRefused() {
    AsyncJobCall stored = create(call("pub-a"), "60");
    AsyncJobCall stolen =
        new AsyncJobCall(
            stored.id(),
            "failed",
            stored.startedAt(),
            stored.startedAt(),
            "x",
            "adder",
            "1.0.0",
            "/",
            "GET",
            "/",
            Map.of(),
            new byte[0],
            null,
            Map.of(),
            new byte[0],
            1,
            "",
            false,
            "pub-b",
            null);
    assertThat(send("PUT", BASE + "/" + stored.id(), stolen, INTERNAL).statusCode()).isEqualTo(409);
    assertThat(
            send(
                    "POST",
                    BASE + "/" + stored.id() + "/lease",
                    Map.of("owner_id", "pub-b", "lease_seconds", 30),
                    INTERNAL)
                .statusCode())
        .isEqualTo(409);
    assertThat(
            send(
                    "POST",
                    BASE + "/" + stored.id() + "/lease",
                    Map.of("owner_id", "pub-a", "lease_seconds", 30),
                    INTERNAL)
                .statusCode())
        .isEqualTo(200);
    assertThat(parse(send("GET", BASE + "/" + stored.id(), null, INTERNAL).body()).status())
        .isEqualTo(AsyncJobCall.ONGOING);
  }

  @Test
  void claim_takesOnlyCallsWhoseLeaseExpired_andCountsAnAttempt() {
    AsyncJobCall held = create(call("pub-held"), "600");
    AsyncJobCall orphan = create(call("pub-gone"), "0.001");
    List<AsyncJobCall> claimed = claim("pub-new", 100);
    assertThat(claimed)
        .extracting(AsyncJobCall::id)
        .contains(orphan.id())
        .doesNotContain(held.id());
    AsyncJobCall taken =
        claimed.stream().filter(c -> c.id().equals(orphan.id())).findFirst().orElseThrow();
    assertThat(taken.ownerId()).isEqualTo("pub-new");
    assertThat(taken.attempts()).isEqualTo(2);
    assertThat(claim("pub-other", 100)).extracting(AsyncJobCall::id).doesNotContain(orphan.id());
  }

  @Test
  void claim_byTwoConcurrentClaimers_givesEachCallToExactlyOne() throws Exception {
    Set<String> orphans = new HashSet<>();
    for (int i = 0; i < 40; i++) {
      orphans.add(create(call("pub-gone"), "0.001").id());
    }
    CyclicBarrier together = new CyclicBarrier(2);
    try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
      List<CompletableFuture<List<String>>> claimers = new ArrayList<>();
      for (String owner : List.of("pub-1", "pub-2")) {
        claimers.add(
            CompletableFuture.supplyAsync(
                () -> {
                  List<String> mine = new ArrayList<>();
                  try {
                    together.await();
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                  for (int round = 0; round < 20; round++) {
                    claim(owner, 3).forEach(c -> mine.add(c.id()));
                  }
                  return mine;
                },
                pool));
      }
      List<String> first = claimers.get(0).get();
      List<String> second = claimers.get(1).get();
      List<String> all = new ArrayList<>(first);
      all.addAll(second);
      assertThat(all).doesNotHaveDuplicates();
      assertThat(new HashSet<>(all)).containsAll(orphans);
    }
  }

  @Test
  void cleanup_deletesCallsOlderThanTheConfiguredLifetime() {
    AsyncJobCall old = create(call("pub-a"), "60");
    lifecycle
        .jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        "UPDATE registry_asyncjobcall SET started_at = now() - interval '2 hours'"
                            + " WHERE id = :id")
                    .bind("id", old.id())
                    .execute());
    AsyncJobCall recent = create(call("pub-a"), "60");
    AsyncCallRepository repository = new AsyncCallRepository(lifecycle.jdbi());

    new Cleanup(
            new DeploymentRepository(lifecycle.jdbi()),
            repository,
            Duration.ofHours(3),
            ArtifactStore.in(lifecycle.dataDir()),
            Clock.systemUTC())
        .run(List.of());
    assertThat(repository.find(old.id())).isPresent();

    new Cleanup(
            new DeploymentRepository(lifecycle.jdbi()),
            repository,
            Duration.ofHours(1),
            ArtifactStore.in(lifecycle.dataDir()),
            Clock.systemUTC())
        .run(List.of());
    assertThat(repository.find(old.id())).isEmpty();
    assertThat(repository.find(recent.id())).isPresent();
  }

  private List<AsyncJobCall> claim(String owner, int limit) {
    HttpResponse<String> response =
        send(
            "POST",
            BASE + "/claim",
            Map.of("owner_id", owner, "lease_seconds", 600, "limit", limit),
            INTERNAL);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return parseList(response.body());
  }

  @Test
  void callsWithLargeBodies_areStoredWhole() {
    AsyncJobCall call = call("pub-a");
    byte[] big = new byte[1 << 20];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) i;
    }
    AsyncJobCall large =
        new AsyncJobCall(
            call.id(),
            call.status(),
            call.startedAt(),
            null,
            null,
            call.jobName(),
            call.jobVersion(),
            call.jobPath(),
            call.requestMethod(),
            call.requestUrl(),
            call.requestHeaders(),
            big,
            null,
            Map.of(),
            new byte[0],
            1,
            "",
            false,
            call.ownerId(),
            null);
    AsyncJobCall stored = create(large, "60");
    assertThat(stored.requestBody()).isEqualTo(big);

    AsyncJobCall done =
        stored.ended(
            AsyncJobCall.COMPLETED, stored.startedAt() + 1, null, false, 200, Map.of(), big);
    HttpResponse<String> updated = send("PUT", BASE + "/" + stored.id(), done, INTERNAL);
    assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
    assertThat(parse(send("GET", BASE + "/" + stored.id(), null, INTERNAL).body()).responseBody())
        .isEqualTo(big);
  }

  @Test
  void cleanup_removesOldArtifactsNoLiveJobUses_andKeepsNewOnes() throws Exception {
    ArtifactStore store = ArtifactStore.in(lifecycle.dataDir().resolve("cleanup-test"));
    java.nio.file.Path old = java.nio.file.Files.createDirectories(store.dir("gone", "1.0.0", "a"));
    java.nio.file.Path fresh =
        java.nio.file.Files.createDirectories(store.dir("gone", "1.0.0", "b"));
    java.nio.file.Files.setLastModifiedTime(
        old, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minusSeconds(7200)));

    int removed =
        new Cleanup(
                new DeploymentRepository(lifecycle.jdbi()),
                new AsyncCallRepository(lifecycle.jdbi()),
                Duration.ofHours(1),
                store,
                Clock.systemUTC())
            .run(List.of());

    assertThat(removed).isEqualTo(1);
    assertThat(old).doesNotExist();
    assertThat(fresh).exists();
  }
}
