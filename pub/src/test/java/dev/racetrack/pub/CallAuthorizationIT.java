package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.testsupport.FreePort;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Where PUB finds the caller's token and how it turns lifecycle's answer into its own (§5.3). */
class CallAuthorizationIT {
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

  @ParameterizedTest
  @ValueSource(strings = {"X-Racetrack-Auth", "X-Racetrack-Esc-Auth", "X-Racetrack-User-Auth"})
  void token_fromAnyAuthHeader_reachesLifecycleAsXRacetrackAuth(String header) {
    HttpResponse<String> response = pub.get("/pub/job/adder/latest/x", header, "tok-123");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(lifecycle.lastCall().token()).contains("tok-123");
  }

  @Test
  void question_carriesTheInternalToken_soLifecycleAnswersOnlyTheGateway() {
    pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", "tok-123");

    assertThat(lifecycle.lastInternalToken()).contains(PubFixture.INTERNAL_TOKEN);
  }

  @Test
  void token_fromCookie_isUrlDecoded() {
    pub.get("/pub/job/adder/latest/x", "Cookie", "a=b; X-Racetrack-Auth-adder=eyJ0%2Fx%2By%3D%3D");

    assertThat(lifecycle.lastCall().token()).contains("eyJ0/x+y==");
  }

  @Test
  void token_inHeaderAndCookie_headerWins() {
    pub.get(
        "/pub/job/adder/latest/x",
        "X-Racetrack-Auth",
        "from-header",
        "Cookie",
        "X-Racetrack-Auth-adder=from-cookie");

    assertThat(lifecycle.lastCall().token()).contains("from-header");
  }

  @Test
  void token_blankHeader_fallsBackToCookie() {
    pub.get(
        "/pub/job/adder/latest/x", "X-Racetrack-Auth", " ", "Cookie", "X-Racetrack-Auth-adder=c");

    assertThat(lifecycle.lastCall().token()).contains("c");
  }

  @Test
  void token_cookieThatIsNotValidUrlEncoding_isPassedAsItIs() {
    HttpResponse<String> response =
        pub.get("/pub/job/adder/latest/x", "Cookie", "X-Racetrack-Auth-adder=100%zz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(lifecycle.lastCall().token()).contains("100%zz");
  }

  @Test
  void token_none_lifecycleIsAskedWithoutOne() {
    pub.get("/pub/job/adder/latest/x");

    assertThat(lifecycle.lastCall().token()).isEmpty();
  }

  @Test
  void lifecycle_isAskedAboutTheJobVersionAndPathAsCalled() {
    pub.get("/pub/job/adder/2.x/api/v1/perform?q=1", "X-Racetrack-Auth", "t");

    FakeLifecycleFixture.Call call = lifecycle.lastCall();
    assertThat(call.job()).isEqualTo("adder");
    assertThat(call.version()).isEqualTo("2.x");
    assertThat(call.path()).isEqualTo("/api/v1/perform");
  }

  @Test
  void lifecycle401_gives401WithLifecycleMessage_andNothingReachesTheJob() {
    lifecycle.refuse(401, "given access token has been revoked");

    HttpResponse<String> response = pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", "t");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode body = PubFixture.json(response);
    assertThat(body.path("error").asText())
        .isEqualTo("Unauthenticated: given access token has been revoked");
    assertThat(body.path("requestId").asText())
        .isEqualTo(response.headers().firstValue("X-Request-Tracing-Id").orElseThrow());
    assertThat(job.received()).isEmpty();
  }

  @Test
  void lifecycle403_gives401() {
    lifecycle.refuse(403, "no permission to call this endpoint");

    HttpResponse<String> response = pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", "t");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(PubFixture.json(response).path("error").asText())
        .contains("no permission to call this endpoint");
  }

  @Test
  void lifecycle404_gives404WithLifecycleMessage() {
    lifecycle.refuse(404, "Job was not found: adder v9");

    HttpResponse<String> response = pub.get("/pub/job/adder/9/x", "X-Racetrack-Auth", "t");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(PubFixture.json(response).path("error").asText())
        .isEqualTo("Proxy request error: Job was not found: adder v9");
    assertThat(job.received()).isEmpty();
  }

  @Test
  void lifecycle503_gives503WithLifecycleMessage() {
    lifecycle.refuse(503, "Racetrack is currently in maintenance mode");

    HttpResponse<String> response = pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", "t");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(PubFixture.json(response).path("error").asText())
        .isEqualTo("Racetrack is currently in maintenance mode");
  }

  @Test
  void lifecycle500_withNothingCached_gives503() {
    lifecycle.refuse(500, "database is gone");

    HttpResponse<String> response = pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", "t");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(PubFixture.json(response).path("error").asText()).contains("HTTP 500");
  }

  @Test
  void lifecycleUnreachable_withNothingCached_gives503Json() {
    try (PubFixture orphan = PubFixture.start("http://127.0.0.1:" + FreePort.find() + "/lc")) {
      HttpResponse<String> response =
          orphan.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", "t");

      assertThat(response.statusCode()).isEqualTo(503);
      JsonNode body = PubFixture.json(response);
      assertThat(body.path("error").asText()).startsWith("Racetrack lifecycle is unreachable");
      assertThat(body.path("requestId").asText()).isNotEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"<html>oops</html>", "", "{}", "{\"job\": null}", "[1, 2]"})
  void lifecycleGrantsWithAnUnreadableBody_gives503NotAServerError(String body) {
    lifecycle.replyWith(200, body);

    HttpResponse<String> response = pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", "t");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(PubFixture.json(response).path("error").asText()).contains("unreadable answer");
    assertThat(job.received()).isEmpty();
  }

  @Test
  void permitWithoutAddress_gives502NamingTheJobStatus() {
    lifecycle.replyWith(
        call -> FakeLifecycleFixture.permit("adder", "1.2.3", "", Optional.of("User alice")));

    HttpResponse<String> response = pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", "t");

    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(PubFixture.json(response).path("error").asText())
        .isEqualTo("Reverse proxy error: job adder v1.2.3 has no address yet (status running)");
  }

  @Test
  void metrics_countGrantedAndRefusedCalls() {
    pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", "t");
    lifecycle.refuse(401, "no");
    pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", "other");
    pub.get("/pub/job/adder/latest/x", "X-Racetrack-Auth", "other");

    String metrics = pub.metrics();
    assertThat(metrics).containsPattern("(?m)^pub_auth_successful(_total)? 1\\.0$");
    assertThat(metrics).containsPattern("(?m)^pub_auth_failed(_total)? 2\\.0$");
  }
}
