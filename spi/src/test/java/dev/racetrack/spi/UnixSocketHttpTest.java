package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnixSocketHttpTest {
  @TempDir Path tmp;

  @Test
  void parse_answer_givesStatusAndBody() throws IOException {
    UnixSocketHttp.Answer answer =
        UnixSocketHttp.parse(
            "HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\n\r\n{\"a\": 1}",
            Path.of("/s"));

    assertThat(answer.statusCode()).isEqualTo(503);
    assertThat(answer.body()).isEqualTo("{\"a\": 1}");
  }

  @Test
  void parse_notHttp_fails() {
    assertThatThrownBy(() -> UnixSocketHttp.parse("SSH-2.0-OpenSSH\r\n\r\n", Path.of("/s")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("/s");
  }

  @Test
  void baseUrl_ofAUnixAddress_isProbedThroughTheSocket() throws Exception {
    Path socket = tmp.resolve("job.sock");
    try (ServerSocketChannel job = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      job.bind(UnixDomainSocketAddress.of(socket));
      Thread.ofVirtual()
          .start(
              () -> {
                for (int i = 0; i < 3; i++) {
                  try (SocketChannel c = job.accept()) {
                    c.read(ByteBuffer.allocate(4096));
                    c.write(
                        ByteBuffer.wrap(
                            "HTTP/1.0 200 OK\r\n\r\n{\"live\": true}"
                                .getBytes(StandardCharsets.US_ASCII)));
                  } catch (IOException e) {
                    return;
                  }
                }
              });
      String base = JobProbe.baseUrl("unix:" + socket);

      JobProbe.Health health =
          new JobProbe(java.net.http.HttpClient.newHttpClient(), Clock.systemUTC()).probe(base);

      assertThat(base).startsWith("http+unix://");
      assertThat(health.ready()).as(health.toString()).isTrue();
    }
  }

  @Test
  void get_nobodyAnswering_failsWithinTheTimeout() throws Exception {
    Path socket = tmp.resolve("silent.sock");
    try (ServerSocketChannel silent = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      silent.bind(UnixDomainSocketAddress.of(socket));
      assertThatThrownBy(() -> UnixSocketHttp.get(socket, "/live", Duration.ofMillis(300)))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("no answer");
    }
  }
}
