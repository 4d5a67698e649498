package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Parsing and framing of job answers, against a socket that sends scripted bytes. */
class UpstreamTest {
  private ServerSocket server;
  private Socket jobSide;
  private Upstream upstream;

  @BeforeEach
  void connect() throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    UpstreamPool pool =
        new UpstreamPool(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(50), 4);
    upstream = pool.connect(new UpstreamPool.Address("127.0.0.1", server.getLocalPort()));
    jobSide = server.accept();
  }

  @AfterEach
  void close() throws IOException {
    upstream.close();
    jobSide.close();
    server.close();
  }

  private void job(String answer) throws IOException {
    OutputStream out = jobSide.getOutputStream();
    out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  private String body(Upstream.Head head) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] piece = new byte[3];
    if (head.chunked()) {
      for (int size = upstream.nextChunkSize(); size > 0; size = upstream.nextChunkSize()) {
        for (int left = size; left > 0; ) {
          int n = upstream.readBody(piece, Math.min(left, piece.length));
          out.write(piece, 0, n);
          left -= n;
        }
        upstream.endChunk();
      }
      upstream.skipTrailers();
    } else if (head.untilClose()) {
      for (int n = upstream.readBodyOrEnd(piece, 3); n >= 0; n = upstream.readBodyOrEnd(piece, 3)) {
        out.write(piece, 0, n);
      }
    } else {
      out.write(upstream.readFully((int) head.contentLength()));
    }
    return out.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void lengthFramedAnswer_keepsTheConnectionAndTheHeadersInOrder() throws IOException {
    job("HTTP/1.1 201 Created\r\nX-A: 1\r\nContent-Length: 5\r\nX-A: 2\r\n\r\nhello");

    Upstream.Head head = upstream.readHead(false);

    assertThat(head.status()).isEqualTo(201);
    assertThat(head.fields())
        .extracting(f -> f[0] + "=" + f[1])
        .containsExactly("X-A=1", "Content-Length=5", "X-A=2");
    assertThat(head.keepAlive()).isTrue();
    assertThat(body(head)).isEqualTo("hello");
    assertThat(upstream.hasLeftovers()).isFalse();
  }

  @Test
  void chunkedAnswer_withExtensionsAndTrailers_isDecoded() throws IOException {
    job(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 99\r\n\r\n"
            + "5;name=value\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Trailer: t\r\n\r\n");

    Upstream.Head head = upstream.readHead(false);

    assertThat(head.chunked()).isTrue();
    assertThat(head.contentLength()).as("Transfer-Encoding wins").isEqualTo(-1);
    assertThat(body(head)).isEqualTo("hello world");
    assertThat(head.keepAlive()).isTrue();
  }

  @Test
  void interimAnswers_areSkipped() throws IOException {
    job(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102 Processing\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

    Upstream.Head head = upstream.readHead(false);

    assertThat(head.status()).isEqualTo(200);
    assertThat(body(head)).isEqualTo("ok");
  }

  @Test
  void answerWithoutLength_runsUntilTheJobCloses_andIsNotReused() throws IOException {
    job("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nstreamed until the end");
    jobSide.shutdownOutput();

    Upstream.Head head = upstream.readHead(false);

    assertThat(head.untilClose()).isTrue();
    assertThat(head.keepAlive()).isFalse();
    assertThat(body(head)).isEqualTo("streamed until the end");
  }

  @Test
  void noBody_forHeadRequests_204_and304() throws IOException {
    job("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n");
    Upstream.Head head = upstream.readHead(true);
    assertThat(head.hasBody()).isFalse();
    assertThat(head.contentLength()).as("HEAD keeps the length to report").isEqualTo(1000);

    job("HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 304 Not Modified\r\n\r\n");
    assertThat(upstream.readHead(false).hasBody()).isFalse();
    assertThat(upstream.readHead(false).hasBody()).isFalse();
  }

  @Test
  void connectionClose_andHttp10_areNotKeptAlive_unlessAsked() throws IOException {
    job("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    Upstream.Head closing = upstream.readHead(false);
    assertThat(closing.keepAlive()).isFalse();
    assertThat(closing.connectionTokens()).contains("close");

    job("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
    assertThat(upstream.readHead(false).keepAlive()).isFalse();

    job("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 0\r\n\r\n");
    assertThat(upstream.readHead(false).keepAlive()).isTrue();
  }

  @Test
  void largeHead_upToTheLimit_isRead() throws IOException {
    String big = "x".repeat(40_000);
    job("HTTP/1.1 200 OK\r\nX-Big: " + big + "\r\nContent-Length: 0\r\n\r\n");

    assertThat(upstream.readHead(false).fields().getFirst()[1]).isEqualTo(big);
  }

  @Test
  void malformedAnswers_areRefusedWithAReason() throws IOException {
    job("SSH-2.0-OpenSSH\r\n\r\n");
    assertThatThrownBy(() -> upstream.readHead(false))
        .isInstanceOf(IOException.class)
        .hasMessageStartingWith("the job answered something that is not HTTP/1.1");
  }

  @Test
  void conflictingContentLengths_areRefused() throws IOException {
    job("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
    assertThatThrownBy(() -> upstream.readHead(false))
        .hasMessageStartingWith("the job answered an invalid Content-Length");
  }

  @Test
  void headLargerThanTheLimit_isRefused() throws IOException {
    new Thread(
            () -> {
              try {
                job("HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(Upstream.MAX_HEAD + 10) + "\r\n\r\n");
              } catch (IOException e) {
                // the reader gave up first
              }
            })
        .start();
    assertThatThrownBy(() -> upstream.readHead(false))
        .hasMessage("the job's answer head is larger than " + Upstream.MAX_HEAD + " bytes");
  }

  @Test
  void jobClosingBeforeAnswering_isEof_andTruncatedBodyToo() throws IOException {
    job("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort");
    jobSide.shutdownOutput();
    Upstream.Head head = upstream.readHead(false);
    assertThatThrownBy(() -> upstream.readFully((int) head.contentLength()))
        .isInstanceOf(EOFException.class);
  }

  @Test
  void badChunkSize_isRefused() throws IOException {
    job("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
    upstream.readHead(false);
    assertThatThrownBy(upstream::nextChunkSize)
        .hasMessageStartingWith("the job sent an invalid chunk size");
  }

  @Test
  void switchingProtocols_isNotProxied() throws IOException {
    job("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
    assertThatThrownBy(() -> upstream.readHead(false))
        .hasMessage("the job switched protocols, which PUB does not proxy");
  }
}
