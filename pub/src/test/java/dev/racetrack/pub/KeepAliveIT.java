package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Connections to jobs are kept alive and reused; one the job closed while idle is replaced without
 * the caller noticing.
 */
class KeepAliveIT {
  private static final String CALL = "/pub/job/adder/latest/api/v1/perform";

  private FakeLifecycleFixture lifecycle;
  private PubFixture pub;
  private ServerSocket job;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger requests = new AtomicInteger();
  private volatile int answersPerConnection;

  @BeforeEach
  void start() throws IOException {
    lifecycle = FakeLifecycleFixture.start();
    pub = PubFixture.start(lifecycle);
    job = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofPlatform().daemon().start(this::serve);
    lifecycle.permitAll("127.0.0.1:" + job.getLocalPort(), Optional.empty());
  }

  @AfterEach
  void stop() throws IOException {
    job.close();
    pub.close();
    lifecycle.close();
  }

  /** A job answering {@code answersPerConnection} requests per connection, then closing it. */
  private void serve() {
    while (!job.isClosed()) {
      try (Socket connection = job.accept()) {
        connections.incrementAndGet();
        BufferedReader in =
            new BufferedReader(
                new InputStreamReader(connection.getInputStream(), StandardCharsets.ISO_8859_1));
        OutputStream out = connection.getOutputStream();
        for (int answered = 0; answered < answersPerConnection; answered++) {
          String line = in.readLine();
          if (line == null) {
            break;
          }
          while (!line.isEmpty()) {
            line = in.readLine();
          }
          String body = "answer " + requests.incrementAndGet();
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                  .getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
      } catch (IOException e) {
        // next connection
      }
    }
  }

  @Test
  void sequentialCalls_shareOneConnection() {
    answersPerConnection = 100;

    for (int i = 1; i <= 5; i++) {
      assertThat(pub.get(CALL).body()).isEqualTo("answer " + i);
    }

    assertThat(connections.get()).isEqualTo(1);
  }

  @Test
  void connectionTheJobClosedWhileIdle_isReplacedAndTheCallSucceeds() throws Exception {
    answersPerConnection = 1; // the job closes after each answer, as after its idle timeout

    assertThat(pub.get(CALL).body()).isEqualTo("answer 1");
    Thread.sleep(100); // let the close reach PUB's side
    assertThat(pub.get(CALL).body()).isEqualTo("answer 2");
    assertThat(pub.get(CALL).body()).isEqualTo("answer 3");

    assertThat(connections.get()).isEqualTo(3);
    assertThat(pub.metrics()).containsPattern("(?m)^pub_job_proxy_errors_total 0\\.0$");
  }
}
