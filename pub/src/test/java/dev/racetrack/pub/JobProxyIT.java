package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a job receives through PUB, and what the client gets back (§5.3). */
class JobProxyIT {
  private static final String TOKEN = "token-of-alice";
  private static final String UUID_PATTERN =
      "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

  private FakeLifecycleFixture lifecycle;
  private FakeJobFixture job;
  private PubFixture pub;

  @BeforeEach
  void start() {
    lifecycle = FakeLifecycleFixture.start();
    job = FakeJobFixture.start();
    lifecycle.permitAll(job.internalName(), Optional.of("User alice"));
    pub = PubFixture.start(lifecycle);
  }

  @AfterEach
  void stop() {
    pub.close();
    job.close();
    lifecycle.close();
  }

  @Test
  void proxy_getWithLatestAndQuery_reachesResolvedVersionWithSameQuery() {
    HttpResponse<String> response =
        pub.get("/pub/job/adder/latest/api/v1/perform?a=1&b=x%20y&c", "X-Racetrack-Auth", TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    FakeJobFixture.Received received = job.onlyRequest();
    assertThat(received.method()).isEqualTo("GET");
    assertThat(received.path()).isEqualTo("/pub/job/adder/1.2.3/api/v1/perform");
    assertThat(received.query()).isEqualTo("a=1&b=x%20y&c");
    assertThat(lifecycle.lastCall())
        .isEqualTo(
            new FakeLifecycleFixture.Call(
                "adder",
                "latest",
                "/api/v1/perform",
                Optional.of(TOKEN),
                lifecycle.lastCall().tracingId()));
  }

  @Test
  void proxy_percentEncodedPath_isForwardedStillEncoded() {
    pub.get("/pub/job/adder/1.2.3/files/a%20b%C3%A9", "X-Racetrack-Auth", TOKEN);

    assertThat(job.onlyRequest().path()).isEqualTo("/pub/job/adder/1.2.3/files/a%20b%C3%A9");
    assertThat(lifecycle.lastCall().path()).isEqualTo("/files/a%20b%C3%A9");
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
  void proxy_anyMethod_isForwardedWithItsBody(String method) {
    HttpResponse<String> response =
        pub.send(
            pub.request("/pub/job/adder/latest/api/v1/perform")
                .header("X-Racetrack-Auth", TOKEN)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString("{\"numbers\": [40, 2]}"))
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    FakeJobFixture.Received received = job.onlyRequest();
    assertThat(received.method()).isEqualTo(method);
    assertThat(received.bodyText()).isEqualTo("{\"numbers\": [40, 2]}");
    assertThat(received.header("Content-Type")).contains("application/json");
  }

  @Test
  void proxy_postWithoutPath_isForwardedNotRedirected() {
    HttpResponse<String> response =
        pub.send(
            pub.request("/pub/job/adder/latest")
                .header("X-Racetrack-Auth", TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("x"))
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(job.onlyRequest().path()).isEqualTo("/pub/job/adder/1.2.3");
  }

  @Test
  void proxy_largeRequestBody_arrivesIntact() {
    byte[] body = pattern(8 * 1024 * 1024 + 17);

    HttpResponse<String> response =
        pub.send(
            pub.request("/pub/job/adder/latest/upload")
                .header("X-Racetrack-Auth", TOKEN)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(job.onlyRequest().body()).isEqualTo(body);
  }

  @Test
  void proxy_chunkedRequestBody_arrivesIntact() {
    byte[] body = pattern(300_000);

    HttpResponse<String> response =
        pub.send(
            pub.request("/pub/job/adder/latest/upload")
                .header("X-Racetrack-Auth", TOKEN)
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(job.onlyRequest().body()).isEqualTo(body);
    assertThat(job.onlyRequest().header("Content-Length")).isEmpty();
  }

  @Test
  void proxy_bodyWithExpectContinue_arrivesIntact() {
    HttpResponse<String> response =
        pub.send(
            pub.request("/pub/job/adder/latest/upload")
                .header("X-Racetrack-Auth", TOKEN)
                .expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofString("after continue"))
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(job.onlyRequest().bodyText()).isEqualTo("after continue");
  }

  @Test
  void proxy_jobAnswer_statusHeadersAndBodyPassThrough() {
    job.answerWith(201, Map.of("Content-Type", "text/csv", "X-Job-Says", "hello"), "a,b\n1,2\n");

    HttpResponse<String> response =
        pub.get("/pub/job/adder/latest/report", "X-Racetrack-Auth", TOKEN);

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.headers().firstValue("Content-Type")).contains("text/csv");
    assertThat(response.headers().firstValue("X-Job-Says")).contains("hello");
    assertThat(response.body()).isEqualTo("a,b\n1,2\n");
  }

  @Test
  void proxy_jobErrorAnswer_isPassedThroughUnchanged() {
    job.answerWith(500, Map.of("Content-Type", "application/json"), "{\"error\":\"division\"}");

    HttpResponse<String> response = pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", TOKEN);

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isEqualTo("{\"error\":\"division\"}");
  }

  @Test
  void proxy_largeStreamedAnswer_arrivesIntact() {
    int size = 16 * 1024 * 1024 + 3;
    job.answerWithStream(size);

    HttpResponse<byte[]> response =
        pub.send(
            pub.request("/pub/job/adder/latest/big").header("X-Racetrack-Auth", TOKEN).build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(pattern(size));
  }

  @Test
  void proxy_slowAnswer_isStreamedBeforeTheJobFinishes() throws IOException {
    job.answerSlowly("first part;", "second part");

    HttpResponse<InputStream> response =
        pub.stream(
            pub.request("/pub/job/adder/latest/slow").header("X-Racetrack-Auth", TOKEN).build());
    InputStream body = response.body();
    CompletableFuture<String> firstPart =
        CompletableFuture.supplyAsync(() -> readExactly(body, "first part;".length()));

    await().atMost(Duration.ofSeconds(5)).until(firstPart::isDone);
    assertThat(firstPart.join()).isEqualTo("first part;");
    job.release();
    assertThat(new String(body.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("second part");
  }

  @Test
  void proxy_whileOneCallWaitsForASlowJob_otherCallsAreServed() {
    try (FakeJobFixture quickJob = FakeJobFixture.start()) {
      lifecycle.replyWith(
          call ->
              FakeLifecycleFixture.permit(
                  call.job(),
                  "1.0.0",
                  call.job().equals("quick") ? quickJob.internalName() : job.internalName(),
                  Optional.empty()));
      job.answerSlowly("", "slow done");
      CompletableFuture<HttpResponse<String>> slow =
          CompletableFuture.supplyAsync(
              () -> pub.get("/pub/job/adder/latest/slow", "X-Racetrack-Auth", TOKEN));
      await().atMost(Duration.ofSeconds(5)).until(() -> job.received().size() == 1);

      assertThat(pub.get("/pub/live").statusCode()).isEqualTo(200);
      assertThat(pub.get("/pub/job/quick/1.0.0/x", "X-Racetrack-Auth", TOKEN).body())
          .isEqualTo("{\"sum\":42}");
      assertThat(slow).isNotDone();

      job.release();
      assertThat(slow.join().body()).isEqualTo("slow done");
    }
  }

  @Test
  void tracing_withoutClientId_generatesOneAndGivesItToLifecycleJobAndClient() {
    HttpResponse<String> response = pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", TOKEN);

    String tracingId = response.headers().firstValue("X-Request-Tracing-Id").orElseThrow();
    assertThat(tracingId).matches(UUID_PATTERN);
    assertThat(job.onlyRequest().header("X-Request-Tracing-Id")).contains(tracingId);
    assertThat(lifecycle.lastCall().tracingId()).contains(tracingId);
  }

  @Test
  void tracing_withClientId_keepsAndForwardsIt() {
    HttpResponse<String> response =
        pub.get(
            "/pub/job/adder/latest/x",
            "X-Racetrack-Auth",
            TOKEN,
            "X-Request-Tracing-Id",
            "client-trace.42:a_b");

    assertThat(response.headers().firstValue("X-Request-Tracing-Id"))
        .contains("client-trace.42:a_b");
    assertThat(job.onlyRequest().header("X-Request-Tracing-Id")).contains("client-trace.42:a_b");
    assertThat(job.onlyRequest().headers().get("X-Request-Tracing-Id")).hasSize(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"has spaces in it", "<script>", "x\"y"})
  void tracing_withUnsafeClientId_replacesIt(String unsafe) {
    HttpResponse<String> response =
        pub.get(
            "/pub/job/adder/latest/x", "X-Racetrack-Auth", TOKEN, "X-Request-Tracing-Id", unsafe);

    String tracingId = response.headers().firstValue("X-Request-Tracing-Id").orElseThrow();
    assertThat(tracingId).matches(UUID_PATTERN);
    assertThat(job.onlyRequest().headers().get("X-Request-Tracing-Id")).containsExactly(tracingId);
  }

  @Test
  void tracing_tooLongClientId_isReplaced() {
    HttpResponse<String> response =
        pub.get(
            "/pub/job/adder/latest/x",
            "X-Racetrack-Auth",
            TOKEN,
            "X-Request-Tracing-Id",
            "a".repeat(129));

    assertThat(response.headers().firstValue("X-Request-Tracing-Id").orElseThrow())
        .matches(UUID_PATTERN);
  }

  @Test
  void callerName_fromThePermit_replacesOneTheClientSent() {
    pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", TOKEN, "X-Caller-Name", "User root");

    assertThat(job.onlyRequest().headers().get("X-Caller-Name")).containsExactly("User alice");
  }

  @Test
  void callerName_whenPermitNamesNoCaller_clientValueIsNotForwarded() {
    lifecycle.permitAll(job.internalName(), Optional.empty());

    pub.get("/pub/job/adder/latest/x", "X-Caller-Name", "User root");

    assertThat(job.onlyRequest().header("X-Caller-Name")).isEmpty();
  }

  @Test
  void credentials_authHeadersAreNotForwarded() {
    pub.get(
        "/pub/job/adder/latest/x",
        "X-Racetrack-Auth",
        TOKEN,
        "X-Racetrack-Esc-Auth",
        "esc-token",
        "X-Racetrack-User-Auth",
        "user-token",
        "Authorization",
        "Bearer for-the-job");

    FakeJobFixture.Received received = job.onlyRequest();
    assertThat(received.header("X-Racetrack-Auth")).isEmpty();
    assertThat(received.header("X-Racetrack-Esc-Auth")).isEmpty();
    assertThat(received.header("X-Racetrack-User-Auth")).isEmpty();
    assertThat(received.header("Authorization")).contains("Bearer for-the-job");
  }

  @Test
  void credentials_authCookieIsNotForwarded_otherCookiesAre() {
    pub.get(
        "/pub/job/adder/latest/x",
        "Cookie",
        "theme=dark; X-Racetrack-Auth-adder=" + TOKEN + "; lang=en");

    assertThat(lifecycle.lastCall().token()).contains(TOKEN);
    assertThat(job.onlyRequest().headers().get("Cookie")).containsExactly("theme=dark; lang=en");
  }

  @Test
  void credentials_onlyTheAuthCookie_noCookieHeaderIsForwarded() {
    pub.get("/pub/job/adder/latest/x", "Cookie", "X-Racetrack-Auth-adder=" + TOKEN);

    assertThat(job.onlyRequest().header("Cookie")).isEmpty();
  }

  @Test
  void credentials_authCookieWithSpaceBeforeEquals_isUsedButNotForwarded() {
    pub.get(
        "/pub/job/adder/latest/x", "Cookie", "X-Racetrack-Auth-adder =" + TOKEN + "; theme=dark");

    assertThat(lifecycle.lastCall().token()).contains(TOKEN);
    assertThat(job.onlyRequest().headers().get("Cookie")).containsExactly("theme=dark");
  }

  @Test
  void forwardedHost_isTheHostTheClientCalled() {
    pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", TOKEN, "X-Forwarded-Host", "evil");

    assertThat(job.onlyRequest().headers().get("X-Forwarded-Host"))
        .containsExactly(pub.hostAndPort());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/job/", "/fatman/", "/pub/fatman/"})
  void routes_otherJobPrefixes_proxyLikePubJob(String prefix) {
    HttpResponse<String> response =
        pub.get(prefix + "adder/latest/api/v1/perform?x=1", "X-Racetrack-Auth", TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(job.onlyRequest().path()).isEqualTo("/pub/job/adder/1.2.3/api/v1/perform");
    assertThat(job.onlyRequest().query()).isEqualTo("x=1");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/pub/job/adder/1/public/../secret",
        "/pub/job/adder/1/a/../../../../lifecycle/x",
        "/pub/job/adder/1/./x",
        "/pub/job/adder/../other/1/x"
      })
  void routes_dotSegments_areRefusedWithoutAskingAnyone(String path) {
    HttpResponse<String> response = pub.get(path, "X-Racetrack-Auth", TOKEN);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(PubFixture.json(response).path("error").asText())
        .contains("must not contain . or .. segments");
    assertThat(lifecycle.callCount()).isZero();
    assertThat(job.received()).isEmpty();
  }

  @Test
  void routes_dotsInsideSegments_areOrdinaryPaths() {
    HttpResponse<String> response =
        pub.get("/pub/job/adder/1.2.3/files/a..b/.well-known/...", "X-Racetrack-Auth", TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(job.onlyRequest().path())
        .isEqualTo("/pub/job/adder/1.2.3/files/a..b/.well-known/...");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/pub/job/adder/1/public/%2e%2e/secret",
        "/pub/job/adder/1/public/.%2E/secret",
        "/pub/job/adder/1/public/..;x=1/secret",
        "/pub/job/adder/1/public%2F..%2Fsecret"
      })
  void routes_encodedDotSegments_reachNeitherLifecycleNorJob(String path) {
    HttpResponse<String> response = pub.get(path, "X-Racetrack-Auth", TOKEN);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(lifecycle.callCount()).isZero();
    assertThat(job.received()).isEmpty();
  }

  static byte[] pattern(int size) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = FakeJobFixture.patternByte(i);
    }
    return bytes;
  }

  private static String readExactly(InputStream in, int length) {
    try {
      return new String(in.readNBytes(length), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
