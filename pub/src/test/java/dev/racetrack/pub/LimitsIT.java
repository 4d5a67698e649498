package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.racetrack.pub.async.AsyncEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PUB's limits: connection caps (429 with Retry-After, not a silent close), the head deadline,
 * header size, a job's max_concurrency, and the async endpoint's body limit.
 */
class LimitsIT {
  private static final String CALL = "/pub/job/adder/latest/api/v1/perform";

  private final FakeLifecycleFixture lifecycle = FakeLifecycleFixture.start();
  private final FakeJobFixture job = FakeJobFixture.start();
  private final FakeAsyncEndpoint async = new FakeAsyncEndpoint();
  private PubFixture pub;

  private PubFixture start(Map<String, String> env, AsyncEndpoint endpoint) {
    pub = PubFixture.start(lifecycle, PubLimits.fromEnv(env), endpoint);
    return pub;
  }

  @AfterEach
  void stop() {
    if (pub != null) {
      pub.close();
    }
    job.close();
    lifecycle.close();
  }

  @Test
  void connections_overThePerAddressCap_get429WithRetryAfterThenClose() throws IOException {
    start(Map.of("MAX_CONNECTIONS_PER_ADDRESS", "2"), AsyncEndpoint.NONE);
    try (Socket one = connect();
        Socket two = connect()) {
      await().until(() -> one.isConnected() && two.isConnected());
      String third = readAll(connect());

      assertThat(third)
          .startsWith("HTTP/1.1 429")
          .containsIgnoringCase("Retry-After: 1")
          .contains("\"error\"");
    }
    // PUB learns of the closes asynchronously (its event loop reads each end of stream); until
    // then a new connection may be answered 429 and closed before its request is read
    await()
        .atMost(java.time.Duration.ofSeconds(10))
        .ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class)
        .untilAsserted(
            () ->
                assertThat(pub.get("/pub/live").statusCode())
                    .as("closed connections free the cap")
                    .isEqualTo(200));
  }

  @Test
  void connections_overTheTotalCap_get429() throws IOException {
    start(Map.of("PUB_MAX_CONNECTIONS", "1"), AsyncEndpoint.NONE);
    try (Socket one = connect()) {
      assertThat(readAll(connect()))
          .startsWith("HTTP/1.1 429")
          .containsIgnoringCase("Retry-After: 1");
    }
  }

  @Test
  void head_notWholeBeforeTheDeadline_gets408AndIsClosed() throws IOException {
    start(Map.of("PUB_HEAD_TIMEOUT", "0.3"), AsyncEndpoint.NONE);
    try (Socket slow = connect()) {
      slow.getOutputStream().write("GET /pub/live HTTP/1.1\r\nHost: pub\r\nX-Slow: ".getBytes());

      assertThat(readAll(slow)).startsWith("HTTP/1.1 408");
    }
  }

  @Test
  void headerFields_overTheLimit_get431() throws IOException {
    start(Map.of("PUB_MAX_HEADER_SIZE", "2048"), AsyncEndpoint.NONE);
    try (Socket socket = connect()) {
      socket
          .getOutputStream()
          .write(("GET /pub/live HTTP/1.1\r\nX-Big: " + "x".repeat(3000) + "\r\n\r\n").getBytes());

      assertThat(readAll(socket)).startsWith("HTTP/1.1 431");
    }
  }

  @Test
  void maxConcurrency_reached_gets429WithRetryAfterAndJson_withoutReachingTheJob() {
    start(Map.of(), AsyncEndpoint.NONE);
    lifecycle.permitAllWith(
        job.internalName(), Map.of("max_concurrency", 1, "max_concurrency_queue", 0));
    job.answerAfterRelease("{\"sum\":42}");
    CompletableFuture<HttpResponse<String>> first =
        CompletableFuture.supplyAsync(() -> pub.get(CALL, "X-Racetrack-Auth", "t"));
    await().until(() -> pub.metrics().contains("pub_job_proxy_requests_started_total{"));

    HttpResponse<String> second = pub.get(CALL, "X-Racetrack-Auth", "t");
    job.release();

    assertThat(second.statusCode()).isEqualTo(429);
    assertThat(second.headers().firstValue("Retry-After")).contains("1");
    assertThat(PubFixture.json(second).path("error").asText())
        .contains("job adder 1.2.3 is busy: it serves at most 1 calls at once");
    assertThat(first.join().statusCode()).isEqualTo(200);
    assertThat(job.received()).hasSize(1);
    assertThat(pub.get(CALL, "X-Racetrack-Auth", "t").statusCode())
        .as("the slot is free again")
        .isEqualTo(200);
  }

  @Test
  void asyncPaths_goToTheAsyncEndpointWithTheWholeBody() {
    start(Map.of(), async);

    HttpResponse<String> response =
        pub.send(
            pub.request("/pub/async/new/job/adder/1.2.3/api/v1/perform?x=1")
                .header("X-Racetrack-Auth", "t")
                .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\":[1,2]}"))
                .build());

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(PubFixture.json(response).path("task_id").asText()).isEqualTo("t-1");
    assertThat(async.handled).hasSize(1);
    assertThat(async.handled.get(0).path())
        .isEqualTo("/pub/async/new/job/adder/1.2.3/api/v1/perform");
    assertThat(async.handled.get(0).query()).isEqualTo("x=1");
    assertThat(new String(async.handled.get(0).body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"numbers\":[1,2]}");
    assertThat(async.handled.get(0).header("x-racetrack-auth")).contains("t");
    assertThat(job.received()).isEmpty();
  }

  @Test
  void asyncPaths_bodyOverTheLimit_get413WithoutReachingTheEndpoint() {
    start(Map.of("PUB_MAX_BODY", "10"), async);

    HttpResponse<String> declared =
        pub.send(
            pub.request("/pub/async/new/job/adder/1/x")
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(11)))
                .build());

    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(async.handled).isEmpty();
  }

  @Test
  void asyncPaths_withoutAnEndpoint_are404() {
    start(Map.of(), AsyncEndpoint.NONE);

    assertThat(pub.get("/pub/async/task/x/poll").statusCode()).isEqualTo(404);
  }

  private Socket connect() throws IOException {
    String hostAndPort = pub.hostAndPort();
    Socket socket =
        new Socket(
            InetAddress.getLoopbackAddress(),
            Integer.parseInt(hostAndPort.substring(hostAndPort.indexOf(':') + 1)));
    socket.setSoTimeout(10_000);
    return socket;
  }

  private static String readAll(Socket socket) throws IOException {
    try (socket) {
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        in.transferTo(out);
      } catch (SocketException reset) {
        // what arrived before a reset counts
      }
      return out.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
