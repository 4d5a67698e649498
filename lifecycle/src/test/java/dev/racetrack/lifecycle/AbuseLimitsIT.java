package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.racetrack.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Issue #7 §5: login and registration throttling, trusted proxies, body limits. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AbuseLimitsIT {
  private LifecycleFixture direct;
  private LifecycleFixture proxied;
  private String admin;

  @BeforeAll
  void start() {
    direct =
        new LifecycleFixture(
            Map.of(
                "REGISTRATIONS_PER_HOUR", "2",
                "MAX_BUILD_CONTEXT_MB", "1",
                "MAX_DEPLOYMENTS_PER_USER", "2",
                "MAX_LOG_STREAMS_PER_USER", "1"));
    proxied =
        new LifecycleFixture(
            Map.of("TRUSTED_PROXIES", "127.0.0.1, ::1", "REGISTRATION_ENABLED", "false"));
    admin = direct.adminToken();
  }

  @AfterAll
  void stop() {
    direct.close();
    proxied.close();
  }

  private static HttpResponse<String> login(
      LifecycleFixture on, String user, String password, String forwardedFor) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(on.url("/api/v1/users/login")))
            .POST(
                HttpRequest.BodyPublishers.ofString(
                    Json.write(Map.of("username", user, "password", password))));
    if (forwardedFor != null) {
      request.header("X-Forwarded-For", forwardedFor);
    }
    return on.send(request);
  }

  @Test
  void login_twentyParallelWrongPasswords_onlyFiveAreChecked() throws Exception {
    List<Future<Integer>> results = new ArrayList<>();
    try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
      for (int i = 0; i < 20; i++) {
        String guess = "guess " + i;
        results.add(pool.submit(() -> login(direct, "parallel", guess, "10.9.9.9").statusCode()));
      }
    }
    List<Integer> statuses = new ArrayList<>();
    for (Future<Integer> f : results) {
      statuses.add(f.get());
    }
    assertThat(statuses).filteredOn(s -> s == 401).hasSize(5);
    assertThat(statuses).filteredOn(s -> s == 429).hasSize(15);
  }

  @Test
  void login_forwardedForFromUntrustedPeer_isIgnored() {
    // each guess claims another address and names another account: only the real peer address
    // (127.0.0.1) ties them together, so its per-address bucket must run out
    try (LifecycleFixture own = new LifecycleFixture(Map.of())) {
      for (int i = 0; i < 30; i++) {
        assertThat(login(own, "ghost-" + i, "guess", "10.0.0." + i).statusCode()).isEqualTo(401);
      }
      HttpResponse<String> refused = login(own, "ghost-x", "guess", "10.0.1.1");
      assertThat(refused.statusCode()).isEqualTo(429);
      assertThat(json(refused.body()).path("error").asText())
          .contains("too many failed login attempts from your address");
    }
  }

  @Test
  void login_lockoutFromOneAddress_doesNotBlockTheUserFromAnother() {
    for (int i = 0; i < 5; i++) {
      assertThat(login(proxied, "admin", "guess " + i, "203.0.113.7").statusCode()).isEqualTo(401);
    }
    assertThat(login(proxied, "admin", LifecycleFixture.ADMIN_PASSWORD, "203.0.113.7").statusCode())
        .isEqualTo(429);
    assertThat(
            login(proxied, "admin", LifecycleFixture.ADMIN_PASSWORD, "198.51.100.4").statusCode())
        .isEqualTo(200);
  }

  private int register(String username, String password) {
    return direct
        .post("/api/v1/users/register", Map.of("username", username, "password", password), null)
        .statusCode();
  }

  @Test
  void register_isThrottledPerAddress_countingValidRequestsOnly() {
    // refused for their input, before the limit: they use none of the hour's registrations
    assertThat(register("not-an-email", "good long phrase")).isEqualTo(400);
    for (int i = 0; i < 3; i++) {
      assertThat(register("weak" + i + "@example.com", "x")).isEqualTo(400);
    }
    for (int i = 0; i < 2; i++) {
      assertThat(register("r" + i + "@example.com", "good long phrase")).isEqualTo(200);
    }
    HttpResponse<String> third =
        direct.post(
            "/api/v1/users/register",
            Map.of("username", "r9@example.com", "password", "good long phrase"),
            null);
    assertThat(third.statusCode()).isEqualTo(429);
    assertThat(json(third.body()).path("error").asText()).contains("REGISTRATIONS_PER_HOUR");
  }

  @Test
  void register_whenDisabled_isRefused() {
    HttpResponse<String> response =
        proxied.post(
            "/api/v1/users/register",
            Map.of("username", "x@example.com", "password", "good long phrase"),
            null);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(json(response.body()).path("error").asText()).contains("REGISTRATION_ENABLED");
  }

  /**
   * Sends headers announcing {@code length} bytes and only a little of the body: a server that
   * reads the whole body before answering would never answer.
   */
  private static String announce(LifecycleFixture on, String path, long length) throws IOException {
    URI uri = URI.create(on.url(path));
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST "
                  + path
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                  + length
                  + "\r\n\r\n{\"username\": \"")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[64 * 1024]);
      out.flush();
      InputStream in = socket.getInputStream();
      byte[] head = new byte[12];
      int n = in.readNBytes(head, 0, 12);
      return new String(head, 0, n, StandardCharsets.US_ASCII);
    }
  }

  @Test
  void login_twentyMegabyteBody_isRefusedWith413_withoutReadingIt() throws IOException {
    // default upload limit (64 MiB): today that is the limit of every route
    assertThat(announce(proxied, "/api/v1/users/login", 20L << 20)).isEqualTo("HTTP/1.1 413");
  }

  @Test
  void login_chunkedBodyAboveTheLimit_isCutOffWith413() throws IOException {
    URI uri = URI.create(proxied.url("/api/v1/users/login"));
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/users/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[64 * 1024];
      java.util.Arrays.fill(chunk, (byte) ' ');
      // 512 KiB (above the 256 KiB limit) and no last chunk: only a reader that stops at the
      // limit can answer
      for (int i = 0; i < 8; i++) {
        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      byte[] head = socket.getInputStream().readNBytes(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 413");
    }
  }

  @Test
  void deploy_aboveTheUploadLimit_isRefusedWith413_withoutReadingIt() throws IOException {
    assertThat(announce(direct, "/api/v1/deploy", 20L << 20)).isEqualTo("HTTP/1.1 413");
  }

  @Test
  void deploy_whenTheUserHasTheMostDeploymentsInProgress_isRefusedWith429() {
    fillDeploymentQuota("admin");
    HttpResponse<String> third =
        direct.post(
            "/api/v1/deploy",
            Map.of("manifest", Map.of("name", "busy", "owner_email", "a@b.c")),
            admin);
    assertThat(third.statusCode()).as(third.body()).isEqualTo(429);
    assertThat(json(third.body()).path("error").asText()).contains("MAX_DEPLOYMENTS_PER_USER=2");
  }

  @Test
  void redeployReprovisionAndMove_whenTheUserHasTheMostDeploymentsInProgress_areRefusedWith429() {
    fillDeploymentQuota("admin");
    // every other way of starting a deployment counts against the same limit (the job does not
    // even need to exist: the quota is checked first)
    for (String path : List.of("redeploy", "reprovision", "move")) {
      HttpResponse<String> answer =
          direct.post(
              "/api/v1/job/busy/1.0.0/" + path, Map.of("infrastructure_target", "local"), admin);
      assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(429);
      assertThat(json(answer.body()).path("error").asText()).contains("MAX_DEPLOYMENTS_PER_USER=2");
    }
  }

  @Test
  void logStream_secondOfOneUser_isRefusedWith429() throws Exception {
    direct
        .jdbi()
        .useHandle(
            h -> {
              String family = UUID.randomUUID().toString();
              h.execute("INSERT INTO registry_jobfamily (id, name) VALUES (?, 'chatty')", family);
              h.execute(
                  "INSERT INTO registry_job (id, family_id, name, version, status,"
                      + " infrastructure_target) VALUES (?, ?, 'chatty', '1.0.0', 'running', 'local')",
                  UUID.randomUUID().toString(),
                  family);
            });
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(direct.url("/api/v1/job/chatty/1.0.0/logs/stream")))
            .header("X-Racetrack-Auth", admin)
            .timeout(java.time.Duration.ofSeconds(20))
            .GET()
            .build();
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<InputStream> first =
        client.send(request, HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream stream = first.body()) {
      assertThat(first.statusCode()).isEqualTo(200);
      // headers only: a second stream that was let through must not hang the test
      HttpResponse<InputStream> second =
          HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream body = second.body()) {
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(
                json(new String(body.readAllBytes(), StandardCharsets.UTF_8))
                    .path("error")
                    .asText())
            .contains("MAX_LOG_STREAMS_PER_USER=1");
      }
    }
  }

  @Test
  void connections_aboveTheLimitPerAddress_areClosed() throws Exception {
    try (LifecycleFixture own = new LifecycleFixture(Map.of("MAX_CONNECTIONS_PER_ADDRESS", "3"))) {
      URI uri = URI.create(own.url("/live"));
      List<Socket> held = new ArrayList<>();
      try {
        for (int i = 0; i < 3; i++) {
          held.add(new Socket(uri.getHost(), uri.getPort()));
        }
        // the three are idle but open; a fourth is closed before it is served
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(liveOverNewConnection(uri)).isEqualTo("closed"));
        held.removeFirst().close();
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(liveOverNewConnection(uri)).isEqualTo("HTTP/1.1 200"));
      } finally {
        for (Socket socket : held) {
          socket.close();
        }
      }
    }
  }

  private static String liveOverNewConnection(URI uri) throws IOException {
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(5_000);
      try {
        socket
            .getOutputStream()
            .write("GET /live HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] head = socket.getInputStream().readNBytes(12);
        return head.length < 12 ? "closed" : new String(head, StandardCharsets.US_ASCII);
      } catch (java.net.SocketException e) {
        return "closed";
      }
    }
  }

  /** Two deployments of {@code user} in progress: MAX_DEPLOYMENTS_PER_USER of this class. */
  private void fillDeploymentQuota(String user) {
    direct
        .jdbi()
        .useHandle(
            h -> {
              h.execute("DELETE FROM registry_deployment WHERE deployed_by = ?", user);
              for (int i = 0; i < 2; i++) {
                h.execute(
                    "INSERT INTO registry_deployment (id, status, manifest, job_name, job_version,"
                        + " deployed_by) VALUES (?, 'in_progress', '', 'busy', ?, ?)",
                    UUID.randomUUID().toString(),
                    UUID.randomUUID().toString(),
                    user);
              }
            });
  }
}
