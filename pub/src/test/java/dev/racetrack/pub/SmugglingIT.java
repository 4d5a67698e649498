package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request smuggling shapes sent as raw bytes to PUB's real port: each is refused (400) or handled
 * as exactly one request, and the job never sees a request hidden inside another.
 */
class SmugglingIT {
  private static final String TOKEN = "token-of-alice";
  private static final String CALL = "/pub/job/adder/latest/api/v1/perform";
  private static final String HIDDEN =
      "GET /pub/job/adder/latest/hidden HTTP/1.1\r\nHost: pub\r\n\r\n";

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
    job.close();
    pub.close();
    lifecycle.close();
  }

  private static String head(String extraLines) {
    return "POST "
        + CALL
        + " HTTP/1.1\r\nHost: pub\r\nX-Racetrack-Auth: "
        + TOKEN
        + "\r\n"
        + extraLines;
  }

  @ParameterizedTest(name = "{index}: {0}")
  @ValueSource(
      strings = {
        // a bare LF ends a header line for a lenient parser: the hidden field would be a new one
        "X-A: a\nContent-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        // a bare LF inside a value, the shape of the former front's hole
        "X-A: a\nGET /pub/job/adder/latest/hidden HTTP/1.1\r\nContent-Length: 0\r\n\r\n",
        // a bare CR inside a value
        "X-A: a\rb\r\nContent-Length: 0\r\n\r\n",
        // Content-Length and Transfer-Encoding together
        "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + HIDDEN,
        // two different lengths, and the same length twice
        "Content-Length: 2\r\nContent-Length: 60\r\n\r\n{}" + HIDDEN,
        "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}",
        "Content-Length: 2, 2\r\n\r\n{}",
        // a length that is not a number, or negative
        "Content-Length: +2\r\n\r\n{}",
        "Content-Length: -1\r\n\r\n{}",
        // a transfer coding other than chunked last
        "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n",
        "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
        // a space before the colon
        "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n",
      })
  void malformedHeads_areRefusedWith400_andNeverReachTheJob(String rest) throws IOException {
    String answer = raw(head(rest));

    assertThat(answer).startsWith("HTTP/1.1 400");
    assertThat(statusLines(answer)).isEqualTo(1);
    assertThat(job.received()).isEmpty();
  }

  @Test
  void obsFold_isOneRequest_withTheFoldedValueJoined() throws IOException {
    String answer =
        raw(head("X-Folded: a\r\n b\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"));

    assertThat(statusLines(answer)).isEqualTo(1);
    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(job.onlyRequest().header("X-Folded").orElseThrow()).isEqualTo("a b");
  }

  @ParameterizedTest(name = "{index}: {0}")
  @ValueSource(
      strings = {
        // a chunk size that overflows 64 bits
        "ffffffffffffffffffff1\r\n{}\r\n0\r\n\r\n" + HIDDEN,
        // chunk data longer than its size (no CRLF where one must be)
        "2\r\n{}XX\r\n0\r\n\r\n" + HIDDEN,
        // a chunk size that is not hex
        "g\r\n{}\r\n0\r\n\r\n" + HIDDEN,
        // a bare LF after the chunk size
        "2\n{}\r\n0\r\n\r\n" + HIDDEN,
      })
  void brokenChunks_neverBecomeAHiddenRequest(String body) throws IOException {
    String answer = raw(head("Transfer-Encoding: chunked\r\n\r\n" + body));

    assertThat(answer).doesNotStartWith("HTTP/1.1 200");
    assertThat(statusLines(answer)).isEqualTo(1);
    assertThat(job.received()).allSatisfy(r -> assertThat(r.path()).doesNotContain("hidden"));
    assertThat(job.received()).hasSizeLessThanOrEqualTo(1);
  }

  @Test
  void chunkExtensions_areOneRequestWithTheWholeBody() throws IOException {
    String answer =
        raw(
            head(
                "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    + "1;ext=\"x\"\r\n{\r\n1;a=b\r\n}\r\n0\r\n\r\n"));

    assertThat(answer).startsWith("HTTP/1.1 200");
    assertThat(statusLines(answer)).isEqualTo(1);
    assertThat(job.onlyRequest().bodyText()).isEqualTo("{}");
  }

  @Test
  void pipelinedAfterA401_theRefusedBodyIsNeverARequest() throws IOException {
    lifecycle.refuse(401, "not this token");
    String refused =
        "POST "
            + CALL
            + " HTTP/1.1\r\nHost: pub\r\nContent-Length: "
            + HIDDEN.length()
            + "\r\n\r\n";

    String answer = raw(refused + HIDDEN + "GET " + CALL + " HTTP/1.1\r\nHost: pub\r\n\r\n");

    assertThat(answer).startsWith("HTTP/1.1 401");
    assertThat(answer).doesNotContain("HTTP/1.1 200");
    assertThat(job.received()).isEmpty();
    assertThat(lifecycle.calls()).allSatisfy(c -> assertThat(c.path()).doesNotContain("hidden"));
  }

  @Test
  void pipelinedBodylessAfterA401_eachIsAnsweredInOrder() throws IOException {
    lifecycle.refuse(401, "not this token");
    String get = "GET " + CALL + " HTTP/1.1\r\nHost: pub\r\n\r\n";

    String answer = raw(get + get + get.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));

    assertThat(statusLines(answer)).as(answer).isEqualTo(3);
    assertThat(answer.split("HTTP/1.1 401", -1)).hasSize(4);
    assertThat(job.received()).isEmpty();
  }

  private static int statusLines(String answer) {
    Matcher m = Pattern.compile("HTTP/1\\.[01] \\d{3} ").matcher(answer);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  /** Sends raw bytes on a new connection and reads until PUB closes it. */
  private String raw(String request) throws IOException {
    String hostAndPort = pub.hostAndPort();
    int port = Integer.parseInt(hostAndPort.substring(hostAndPort.indexOf(':') + 1));
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      try {
        in.transferTo(answer);
      } catch (SocketException reset) {
        // PUB may reset a connection it refused to read on: what arrived before counts
      }
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }
}
