package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7 §1: a job reachable only through a Unix socket (a container in its own network namespace
 * behind the Docker target's relay) has the address {@code unix:/path}; PUB calls it there, with
 * the job's secret and a {@code Host} that is no socket path.
 */
class UnixSocketJobIT {
  private static final String ANSWER = "{\"from\": \"the unix socket\"}";

  @TempDir Path tmp;
  private FakeLifecycleFixture lifecycle;
  private PubFixture pub;
  private ServerSocketChannel job;
  private final List<String> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    Path socket = tmp.resolve("job.sock");
    job = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    job.bind(UnixDomainSocketAddress.of(socket));
    Thread.ofVirtual().start(this::serve);
    lifecycle = FakeLifecycleFixture.start();
    lifecycle.permitAll("unix:" + socket, Optional.of("User alice"));
    pub = PubFixture.start(lifecycle);
  }

  @AfterEach
  void stop() throws IOException {
    pub.close();
    lifecycle.close();
    job.close();
  }

  /** A one-answer-per-connection HTTP job (test code: reads a head and a small body). */
  private void serve() {
    while (job.isOpen()) {
      try (SocketChannel connection = job.accept()) {
        String request = readRequest(connection);
        requests.add(request);
        byte[] body = ANSWER.getBytes(StandardCharsets.UTF_8);
        String head =
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + "Content-Length: "
                + body.length
                + "\r\n\r\n";
        connection.write(ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)));
        connection.write(ByteBuffer.wrap(body));
      } catch (IOException e) {
        return; // closed by the test
      }
    }
  }

  private static String readRequest(SocketChannel connection) throws IOException {
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(4096);
    while (true) {
      String text = in.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf("\r\n\r\n");
      if (end >= 0) {
        int length =
            text.lines()
                .filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                .map(l -> Integer.parseInt(l.substring(15).strip()))
                .findFirst()
                .orElse(0);
        if (in.size() >= end + 4 + length) {
          return text;
        }
      }
      buffer.clear();
      if (connection.read(buffer) < 0) {
        return in.toString(StandardCharsets.ISO_8859_1);
      }
      in.write(buffer.array(), 0, buffer.position());
    }
  }

  @Test
  void call_toAJobAtAUnixAddress_isProxiedThroughTheSocket() {
    HttpResponse<String> answer =
        pub.send(
            pub.request("/pub/job/adder/latest/api/v1/perform")
                .header("X-Racetrack-Auth", "token-of-alice")
                .POST(HttpRequest.BodyPublishers.ofString("{\"a\": 1}"))
                .build());

    assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo(ANSWER);
    assertThat(requests)
        .singleElement()
        .asString()
        .startsWith("POST /pub/job/adder/")
        .contains("/api/v1/perform HTTP/1.1\r\n");
    String expected = PubFixture.SECRETS.secret("adder", FakeLifecycleFixture.RESOLVED_VERSION);
    assertThat(requests.getFirst())
        .containsIgnoringCase("host: localhost\r\n")
        .containsIgnoringCase("x-racetrack-job-secret: " + expected)
        .endsWith("{\"a\": 1}");
    assertThat(Files.exists(tmp.resolve("job.sock"))).isTrue();
  }
}
