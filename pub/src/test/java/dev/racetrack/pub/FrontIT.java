package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The event-loop front: job calls with a cached permit are forwarded by the front itself, with the
 * same effect as through the gateway; anything else still reaches the gateway.
 */
class FrontIT {
  private static final String TOKEN = "token-of-alice";
  private static final String CALL = "/pub/job/adder/latest/api/v1/perform";

  private FakeLifecycleFixture lifecycle;
  private PubFixture pub;
  private FakeJobFixture job;

  @BeforeEach
  void start() {
    lifecycle = FakeLifecycleFixture.start();
    pub = PubFixture.start(lifecycle);
    job = FakeJobFixture.start();
    lifecycle.permitAll(job.internalName(), Optional.of("User alice"));
  }

  @AfterEach
  void stop() {
    if (pub != null) {
      job.close();
      pub.close();
      lifecycle.close();
    }
  }

  private HttpResponse<String> call(String body, String... headers) {
    HttpRequest.Builder request =
        pub.request(CALL)
            .header("X-Racetrack-Auth", TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return pub.send(request.build());
  }

  private double frontCalls() {
    for (String line : pub.metrics().split("\n")) {
      if (line.startsWith("pub_front_job_calls_total ")) {
        return Double.parseDouble(line.substring(line.indexOf(' ') + 1));
      }
    }
    throw new AssertionError("no pub_front_job_calls_total");
  }

  @Test
  void secondCall_isForwardedByTheFront_withTheSameRequestAtTheJob() {
    HttpResponse<String> first = call("{\"numbers\":[1]}", "X-Forwarded-Host", "evil");
    double before = frontCalls();
    HttpResponse<String> second =
        call(
            "{\"numbers\":[2]}",
            "X-Forwarded-Host",
            "evil",
            "X-Caller-Name",
            "mallory",
            "Cookie",
            "X-Racetrack-Auth-adder=other; theme=dark",
            "X-Request-Tracing-Id",
            "trace-123");

    assertThat(frontCalls()).isEqualTo(before + 1);
    assertThat(first.statusCode()).isEqualTo(200);
    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(second.body()).isEqualTo("{\"sum\":42}");
    assertThat(second.headers().firstValue("X-Request-Tracing-Id")).contains("trace-123");
    FakeJobFixture.Received viaGateway = job.received().get(0);
    FakeJobFixture.Received viaFront = job.received().get(1);
    assertThat(viaFront.path())
        .isEqualTo(viaGateway.path())
        .isEqualTo("/pub/job/adder/1.2.3/api/v1/perform");
    assertThat(viaFront.bodyText()).isEqualTo("{\"numbers\":[2]}");
    assertThat(viaFront.header("X-Caller-Name")).contains("User alice");
    assertThat(viaFront.header("X-Request-Tracing-Id")).contains("trace-123");
    assertThat(viaFront.header("X-Forwarded-Host")).contains(pub.hostAndPort());
    assertThat(viaFront.header("X-Forwarded-For")).contains("127.0.0.1");
    assertThat(viaFront.header("X-Racetrack-Auth")).isEmpty();
    assertThat(viaFront.header("Cookie")).contains("theme=dark");
    assertThat(viaGateway.header("X-Forwarded-For")).contains("127.0.0.1");
    assertThat(lifecycle.callCount()).isEqualTo(1);
  }

  @Test
  void queryAndLargeChunkedAnswers_passThrough() {
    call("{}");
    job.answerWithStream(3 * 1024 * 1024 + 5);
    HttpResponse<byte[]> large =
        pub.send(
            pub.request(CALL + "?x=1&y=%20")
                .header("X-Racetrack-Auth", TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(large.statusCode()).isEqualTo(200);
    assertThat(large.body()).hasSize(3 * 1024 * 1024 + 5);
    for (int i = 0; i < large.body().length; i += 4099) {
      assertThat(large.body()[i]).isEqualTo(FakeJobFixture.patternByte(i));
    }
    assertThat(job.received().getLast().query()).isEqualTo("x=1&y=%20");
    assertThat(frontCalls()).isEqualTo(1);
  }

  @Test
  void pipelinedRequests_onOneConnection_getTheirAnswersInOrder() throws IOException {
    call("{}"); // the permit is cached now
    double before = frontCalls();
    String one =
        "POST "
            + CALL
            + " HTTP/1.1\r\nHost: pub\r\nX-Racetrack-Auth: "
            + TOKEN
            + "\r\nContent-Length: 2\r\n\r\n{}";
    String last = one.replace("HTTP/1.1\r\n", "HTTP/1.1\r\nConnection: close\r\n");
    String answers = raw(one + one + last);

    assertThat(answers.split("HTTP/1.1 200", -1)).hasSize(4);
    assertThat(frontCalls()).isEqualTo(before + 3);
  }

  @Test
  void http10_andRequestsWithoutATokenHeader_areServed_onlyCachedPermitsCountAsFrontCalls()
      throws IOException {
    call("{}");
    double before = frontCalls();

    String anonymous = raw("GET " + CALL + " HTTP/1.1\r\nHost: pub\r\nConnection: close\r\n\r\n");
    String http10 =
        raw(
            "POST "
                + CALL
                + " HTTP/1.0\r\nHost: pub\r\nX-Racetrack-Auth: "
                + TOKEN
                + "\r\nContent-Length: 2\r\n\r\n{}");

    assertThat(anonymous).startsWith("HTTP/1.1 200"); // the fake lifecycle permits anyone
    assertThat(http10).startsWith("HTTP/1.").contains(" 200 ");
    assertThat(frontCalls()).isEqualTo(before + 1); // the HTTP/1.0 call's permit was cached
  }

  @Test
  void smugglingShapes_andMalformedHeads_areRefusedWith400() throws IOException {
    assertThat(
            raw(
                "POST "
                    + CALL
                    + " HTTP/1.1\r\nHost: pub\r\nTransfer-Encoding: chunked\r\n"
                    + "Content-Length: 4\r\n\r\n0\r\n\r\nGET /pub/health HTTP/1.1\r\n\r\n"))
        .startsWith("HTTP/1.1 400")
        .doesNotContain("\"service\"");
    assertThat(raw("GET " + CALL + " HTTP/1.1\r\nHost : pub\r\n\r\n")).startsWith("HTTP/1.1 400");
    assertThat(job.received()).isEmpty();
  }

  @Test
  void endlessHead_isRefusedWith431() throws IOException {
    String answer = raw("GET " + CALL + " HTTP/1.1\r\nX-Junk: " + "x".repeat(70_000));

    assertThat(answer).startsWith("HTTP/1.1 431");
  }

  @Test
  void jobGone_givesTheGatewaysErrorAndForgetsTheAddress() {
    call("{}");
    job.stop();

    HttpResponse<String> response = call("{}");

    assertThat(response.statusCode()).isEqualTo(502);
    JsonNode body = PubFixture.json(response);
    assertThat(body.path("error").asText())
        .isEqualTo("Reverse proxy error: connection refused to a target job (job may be dead)");
    assertThat(body.path("jobName").asText()).isEqualTo("adder");
    assertThat(body.path("caller").asText()).isEqualTo("User alice");
    assertThat(body.path("requestId").asText())
        .isEqualTo(response.headers().firstValue("X-Request-Tracing-Id").orElseThrow());
    assertThat(frontCalls()).isEqualTo(1);
    call("{}");
    assertThat(lifecycle.callCount()).as("the next call asks lifecycle again").isEqualTo(2);
  }

  @Test
  void clientAddress_reachesTheGateway() {
    lifecycle.permitAll(job.internalName(), Optional.empty());
    HttpResponse<String> viaGateway =
        pub.send(
            pub.request(CALL)
                .header("X-Racetrack-Auth", TOKEN)
                .header("X-Racetrack-Pub-Client", "203.0.113.9 1234")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());

    assertThat(viaGateway.statusCode()).isEqualTo(200);
    assertThat(job.onlyRequest().header("X-Forwarded-For"))
        .as("a client cannot pretend to be another address")
        .contains("127.0.0.1");
  }

  @Test
  void answerHeadersOfTheJob_passThroughWithoutHopByHopOnes() {
    call("{}");
    job.answerWith(
        201,
        Map.of("X-Custom", "yes", "Keep-Alive", "timeout=5", "Content-Type", "text/plain"),
        "made");

    HttpResponse<String> response = call("{}");

    assertThat(response.statusCode()).isEqualTo(201);
    assertThat(response.body()).isEqualTo("made");
    assertThat(response.headers().firstValue("X-Custom")).contains("yes");
    assertThat(response.headers().firstValue("Keep-Alive")).isEmpty();
    assertThat(frontCalls()).isEqualTo(1);
  }

  /** Sends raw bytes on a new connection and reads until the server closes it. */
  private String raw(String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }

  private int port() {
    String hostAndPort = pub.hostAndPort();
    return Integer.parseInt(hostAndPort.substring(hostAndPort.indexOf(':') + 1));
  }
}
