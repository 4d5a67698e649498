package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Heads as the front reads them: ordinary ones parsed, unusual ones left to the gateway. */
class HttpHeadTest {
  private static HttpHead head(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    int end = HttpHead.end(bytes, 0, bytes.length);
    assertThat(end).as("head end").isPositive();
    return HttpHead.parse(bytes, 0, end);
  }

  @Test
  void request_isParsedWithFieldsInOrder() {
    HttpHead head =
        head("POST /pub/job/a/1/x?q=1 HTTP/1.1\r\nHost: h\r\nX-A:  1 \r\nx-a: 2\r\n\r\nbody");

    assertThat(head.first()).isEqualTo("POST");
    assertThat(head.second()).isEqualTo("/pub/job/a/1/x?q=1");
    assertThat(head.third()).isEqualTo("HTTP/1.1");
    assertThat(head.fields()).extracting(HttpHead.Field::value).containsExactly("h", "1", "2");
    assertThat(head.single("x-a")).as("two values").isEmpty();
    assertThat(head.single("host")).isEqualTo("h");
    assertThat(head.length())
        .isEqualTo(
            "POST /pub/job/a/1/x?q=1 HTTP/1.1\r\nHost: h\r\nX-A:  1 \r\nx-a: 2\r\n\r\n".length());
  }

  @Test
  void unusualHeads_areNotParsed() {
    assertThat(head("GET /x HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n")).isNull();
    assertThat(head("GET /x HTTP/1.1\r\nHost : h\r\n\r\n")).isNull();
    assertThat(head("GET\r\nHost: h\r\n\r\n")).isNull();
    assertThat(head("GET /x HTTP/1.1\r\nno colon\r\n\r\n")).isNull();
  }

  @Test
  void requestFraming_followsTheRfc_orGivesUp() {
    assertThat(head("GET / HTTP/1.1\r\n\r\n").requestFraming().done()).isTrue();
    assertThat(head("POST / HTTP/1.1\r\nContent-Length: 12\r\n\r\n").requestFraming().remaining())
        .isEqualTo(12);
    assertThat(
            head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                .requestFraming()
                .isChunked())
        .isTrue();
    // smuggling shapes and unknown codings: the gateway (Jetty) refuses them
    assertThat(
            head("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n")
                .requestFraming())
        .isNull();
    assertThat(head("POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n").requestFraming())
        .isNull();
    assertThat(
            head("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n")
                .requestFraming())
        .isNull();
    assertThat(head("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n").requestFraming()).isNull();
    assertThat(head("POST / HTTP/1.1\r\nContent-Length: 1e3\r\n\r\n").requestFraming()).isNull();
  }

  @Test
  void answerFraming() throws Exception {
    assertThat(
            head("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n").answerFraming(false).remaining())
        .isEqualTo(3);
    assertThat(head("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n").answerFraming(true).done())
        .as("HEAD")
        .isTrue();
    assertThat(head("HTTP/1.1 204 No Content\r\n\r\n").answerFraming(false).done()).isTrue();
    assertThat(head("HTTP/1.1 304 Not Modified\r\n\r\n").answerFraming(false).done()).isTrue();
    assertThat(head("HTTP/1.1 200 OK\r\n\r\n").answerFraming(false).isUntilClose()).isTrue();
    assertThat(
            head("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n")
                .answerFraming(false)
                .isChunked())
        .isTrue();
    assertThat(head("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n").answerFraming(false)).isNull();
    assertThat(head("HTTP/1.1 2000 OK\r\n\r\n").status()).isEqualTo(-1);
  }

  @Test
  void tokens_ofCommaSeparatedFields() {
    HttpHead head = head("GET / HTTP/1.1\r\nConnection: keep-alive, Close\r\n\r\n");

    assertThat(head.hasToken("connection", "close")).isTrue();
    assertThat(head.hasToken("connection", "upgrade")).isFalse();
  }
}
