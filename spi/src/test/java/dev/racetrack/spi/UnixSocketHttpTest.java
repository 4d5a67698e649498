package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketHttpTest {
  @TempDir Path tmp;

  @Test
  void get_anAnswer_givesStatusAndBody() throws Exception {
    Path socket = tmp.resolve("job.sock");
    String body = "{\"error\": \"still loading\"}";
    try (Peer peer =
        Peer.answering(
            socket,
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length()
                + "\r\n\r\n"
                + body)) {
      UnixSocketHttp.Answer answer = UnixSocketHttp.get(socket, "/ready", Duration.ofSeconds(5));

      assertThat(answer.statusCode()).isEqualTo(503);
      assertThat(answer.body()).isEqualTo(body);
      String request = peer.requests.poll(5, TimeUnit.SECONDS);
      assertThat(request).startsWith("GET /ready HTTP/1.1\r\n");
      assertThat(request.toLowerCase(java.util.Locale.ROOT)).contains("connection: close");
    }
  }

  @Test
  void get_aChunkedAnswer_givesTheDecodedBody() throws Exception {
    Path socket = tmp.resolve("chunked.sock");
    try (Peer peer =
        Peer.answering(
            socket,
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\n{\"a\":\r\n3\r\n 1}\r\n0\r\n\r\n")) {
      UnixSocketHttp.Answer answer = UnixSocketHttp.get(socket, "/live", Duration.ofSeconds(5));

      assertThat(answer.statusCode()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("{\"a\": 1}");
    }
  }

  @Test
  void get_aPeerThatIsNotHttp_failsNamingTheSocket() throws Exception {
    Path socket = tmp.resolve("ssh.sock");
    try (Peer peer = Peer.answering(socket, "SSH-2.0-OpenSSH_9.2\r\n\r\n")) {
      assertThatThrownBy(() -> UnixSocketHttp.get(socket, "/live", Duration.ofSeconds(5)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(socket.toString());
    }
  }

  @Test
  void get_anAnswerAboveOneMiB_failsNamingTheCap() throws Exception {
    Path socket = tmp.resolve("big.sock");
    byte[] big = new byte[UnixSocketHttp.MAX_ANSWER + 1];
    Arrays.fill(big, (byte) 'x');
    String head = "HTTP/1.1 200 OK\r\nContent-Length: " + big.length + "\r\n\r\n";
    try (Peer peer = Peer.answering(socket, concat(head, big))) {
      assertThatThrownBy(() -> UnixSocketHttp.get(socket, "/metrics", Duration.ofSeconds(5)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining(socket.toString())
          .hasMessageContaining("above " + UnixSocketHttp.MAX_ANSWER + " bytes");
    }
  }

  @Test
  void get_anUnboundedAnswerAboveOneMiB_failsNamingTheCap() throws Exception {
    Path socket = tmp.resolve("stream.sock");
    byte[] big = new byte[2 * UnixSocketHttp.MAX_ANSWER];
    Arrays.fill(big, (byte) 'x');
    try (Peer peer = Peer.answering(socket, concat("HTTP/1.0 200 OK\r\n\r\n", big))) {
      assertThatThrownBy(() -> UnixSocketHttp.get(socket, "/metrics", Duration.ofSeconds(5)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("above " + UnixSocketHttp.MAX_ANSWER + " bytes");
    }
  }

  @Test
  void get_nobodyAnswering_failsWithinTheTimeout() throws Exception {
    Path socket = tmp.resolve("silent.sock");
    try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.bind(UnixDomainSocketAddress.of(socket));

      assertThatThrownBy(() -> UnixSocketHttp.get(socket, "/live", Duration.ofMillis(300)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("no answer from " + socket);
    }
  }

  @Test
  void get_noSocket_failsNamingIt() {
    Path socket = tmp.resolve("missing.sock");

    assertThatThrownBy(() -> UnixSocketHttp.get(socket, "/live", Duration.ofSeconds(2)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(socket.toString());
  }

  @Test
  void get_notARequestPath_failsNamingIt() {
    assertThatThrownBy(
            () ->
                UnixSocketHttp.get(
                    tmp.resolve("x.sock"), "/live HTTP/1.1\r\nX: y", Duration.ofSeconds(1)))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a request path");
  }

  @Test
  void baseUrl_ofAUnixAddress_isProbedThroughTheSocket() throws Exception {
    Path socket = tmp.resolve("job.sock");
    // an HTTP/1.0 answer without a length: its body ends with the connection
    try (Peer peer = Peer.answering(socket, "HTTP/1.0 200 OK\r\n\r\n{\"live\": true}")) {
      String base = JobProbe.baseUrl("unix:" + socket);

      JobProbe.Health health =
          new JobProbe(java.net.http.HttpClient.newHttpClient(), Clock.systemUTC()).probe(base);

      assertThat(base).startsWith("http+unix://");
      assertThat(health.ready()).as(health.toString()).isTrue();
    }
  }

  private static byte[] concat(String head, byte[] body) {
    byte[] h = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(h, h.length + body.length);
    System.arraycopy(body, 0, all, h.length, body.length);
    return all;
  }

  /**
   * A peer on a Unix socket that reads each request head and writes the same raw bytes back, then
   * closes the connection.
   */
  private static final class Peer implements AutoCloseable {
    final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
    private final ServerSocketChannel server;

    private Peer(ServerSocketChannel server) {
      this.server = server;
    }

    static Peer answering(Path socket, String answer) throws IOException {
      return answering(socket, answer.getBytes(StandardCharsets.UTF_8));
    }

    static Peer answering(Path socket, byte[] answer) throws IOException {
      ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      Peer peer = new Peer(server);
      Thread.ofVirtual().start(() -> peer.serve(answer));
      return peer;
    }

    private void serve(byte[] answer) {
      while (server.isOpen()) {
        try (SocketChannel c = server.accept()) {
          requests.add(readHead(c));
          ByteBuffer out = ByteBuffer.wrap(answer);
          while (out.hasRemaining()) {
            c.write(out);
          }
        } catch (IOException e) {
          // the client hung up early (the cap) or the peer closed: next connection, or done
        }
      }
    }

    private static String readHead(SocketChannel c) throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      ByteBuffer buffer = ByteBuffer.allocate(1);
      while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")
          && c.read(buffer.clear()) > 0) {
        head.write(buffer.get(0));
      }
      return head.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }
}
