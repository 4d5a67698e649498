package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which requests the front forwards itself, and what the job receives then. */
class FastPathTest {
  private final ManualClock clock = new ManualClock();
  private final PermitCache cache =
      new PermitCache(Duration.ofSeconds(5), Duration.ofMinutes(10), clock);
  private final FastPath fastPath =
      new FastPath(
          cache,
          PubFixture.SECRETS,
          new JobAnswerHeaders(java.util.Set.of()),
          new JobHost(java.util.Optional.empty()));

  @BeforeEach
  void permit() {
    CallPermit permit =
        new CallPermit("adder", "1.2.3", "127.0.0.1:7001", "running", Optional.of("User alice"));
    cache.putIfCurrent(
        PermitCache.key("adder", "latest", "/api/v1/perform", Optional.of("tok")),
        permit,
        cache.generation());
  }

  private static HttpHead head(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    return HttpHead.parse(bytes, 0, HttpHead.end(bytes, 0, bytes.length));
  }

  private Optional<FastPath.Call> decide(String text) {
    return fastPath.decide(head(text), 2, "10.0.0.7");
  }

  @Test
  void cachedCall_isForwarded_asTheGatewayWould() {
    FastPath.Call call =
        decide(
                "POST /pub/job/adder/latest/api/v1/perform?a=1 HTTP/1.1\r\n"
                    + "Host: pub.example\r\nX-Racetrack-Auth: tok\r\nX-Caller-Name: mallory\r\n"
                    + "Cookie: X-Racetrack-Auth=tok; theme=dark\r\nX-Forwarded-For: 1.2.3.4\r\n"
                    + "Connection: keep-alive\r\nX-Request-Tracing-Id: abc\r\nContent-Length: 2\r\n"
                    + "Accept: */*\r\n\r\n")
            .orElseThrow();

    String head = new String(call.head(), StandardCharsets.ISO_8859_1);
    assertThat(head)
        .startsWith(
            "POST /pub/job/adder/1.2.3/api/v1/perform?a=1 HTTP/1.1\r\nHost: 127.0.0.1:7001\r\n")
        .contains("Cookie: theme=dark\r\n")
        .contains("Accept: */*\r\n")
        .contains("X-Forwarded-For: 1.2.3.4, 10.0.0.7\r\n")
        .contains("X-Forwarded-Host: pub.example\r\n")
        .contains("X-Forwarded-Proto: http\r\n")
        .contains("X-Request-Tracing-Id: abc\r\n")
        .contains("X-Caller-Name: User alice\r\n")
        .contains("Content-Length: 2\r\n")
        .endsWith("\r\n\r\n")
        .doesNotContain("mallory")
        .doesNotContain("X-Racetrack-Auth")
        .doesNotContain("keep-alive");
    assertThat(call.tracingId()).isEqualTo("abc");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // no permit for these
        "POST /pub/job/adder/latest/api/v1/other HTTP/1.1\r\nHost: h\r\nX-Racetrack-Auth: tok\r\n\r\n",
        "POST /pub/job/adder/latest/api/v1/perform HTTP/1.1\r\nHost: h\r\nX-Racetrack-Auth: other\r\n\r\n",
        // the token only in a cookie, or none
        "POST /pub/job/adder/latest/api/v1/perform HTTP/1.1\r\nHost: h\r\nCookie: X-Racetrack-Auth=tok\r\n\r\n",
        "POST /pub/job/adder/latest/api/v1/perform HTTP/1.1\r\nHost: h\r\n\r\n",
        // unusual requests
        "POST /pub/job/adder/latest/api/v1/perform HTTP/1.0\r\nHost: h\r\nX-Racetrack-Auth: tok\r\n\r\n",
        "POST /pub/job/adder/latest/api/v1/perform HTTP/1.1\r\nX-Racetrack-Auth: tok\r\n\r\n",
        "POST /pub/job/adder/latest/api/v1/perform HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nX-Racetrack-Auth: tok\r\n\r\n",
        "POST /pub/job/adder/latest/api/v1/perform HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nX-Racetrack-Auth: tok\r\n\r\n",
        "OPTIONS /pub/job/adder/latest/api/v1/perform HTTP/1.1\r\nHost: h\r\nX-Racetrack-Auth: tok\r\n\r\n",
        // paths the gateway must judge
        "POST /pub/job/adder/latest/api/v1/../v1/perform HTTP/1.1\r\nHost: h\r\nX-Racetrack-Auth: tok\r\n\r\n",
        "POST /pub/job/adder/latest/api/v1/%70erform HTTP/1.1\r\nHost: h\r\nX-Racetrack-Auth: tok\r\n\r\n",
        "POST /pub/job/adder/latest//api/v1/perform HTTP/1.1\r\nHost: h\r\nX-Racetrack-Auth: tok\r\n\r\n",
        "POST /pub/fatman/adder/latest/api/v1/perform HTTP/1.1\r\nHost: h\r\nX-Racetrack-Auth: tok\r\n\r\n",
        "GET /pub/job/adder/latest HTTP/1.1\r\nHost: h\r\nX-Racetrack-Auth: tok\r\n\r\n",
        "GET /pub/job/adder/latest/ HTTP/1.1\r\nHost: h\r\nX-Racetrack-Auth: tok\r\n\r\n",
        "POST /pub/job/adder/latest/api/v1/perform?a=b c HTTP/1.1\r\nHost: h\r\nX-Racetrack-Auth: tok\r\n\r\n"
      })
  void otherRequests_goToTheGateway(String request) {
    HttpHead head = head(request);
    assertThat(head == null || fastPath.decide(head, 0, "10.0.0.7").isEmpty()).isTrue();
  }

  @Test
  void expiredPermit_goesToTheGateway() {
    String request =
        "POST /pub/job/adder/latest/api/v1/perform HTTP/1.1\r\nHost: h\r\nX-Racetrack-Auth: tok\r\n\r\n";
    assertThat(decide(request)).isPresent();

    clock.advance(Duration.ofSeconds(6));

    assertThat(decide(request)).isEmpty();
  }

  @Test
  void invalidation_endsTheFastPathAtOnce() {
    String request =
        "POST /pub/job/adder/latest/api/v1/perform HTTP/1.1\r\nHost: h\r\nX-Racetrack-Auth: tok\r\n\r\n";
    cache.clear();
    assertThat(decide(request)).isEmpty();
  }
}
