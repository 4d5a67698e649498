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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
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
  private final List<String> received = new CopyOnWriteArrayList<>();
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
          String requestLine = in.readLine();
          if (requestLine == null) {
            break;
          }
          int length = 0;
          for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
              length = Integer.parseInt(line.substring("content-length:".length()).strip());
            }
          }
          char[] body = new char[length];
          for (int read = 0; read < length; ) {
            read += in.read(body, read, length - read);
          }
          received.add(requestLine + " " + new String(body));
          String answer = "answer " + requests.incrementAndGet();
          boolean head = requestLine.startsWith("HEAD ");
          out.write(
              ("HTTP/1.1 200 OK\r\nContent-Length: "
                      + answer.length()
                      + "\r\n\r\n"
                      + (head ? "" : answer))
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

  /**
   * A whole answer (head and body read together) and a whole request are each passed on as one
   * message; the framing must stay the same: an answer to HEAD keeps its length but has no body, a
   * request's body follows its head, and the connections on both sides stay in step for the next
   * call.
   */
  @Test
  void headThenPost_onOneConnection_answersFramedAndBodiesIntact() throws IOException {
    answersPerConnection = 100;
    String body = "{\"numbers\": [40, 2]}";

    try (Socket client = new Socket(InetAddress.getLoopbackAddress(), pub.port())) {
      client.setSoTimeout(10_000);
      OutputStream out = client.getOutputStream();
      out.write(
          ("HEAD " + CALL + " HTTP/1.1\r\nHost: pub\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(headers(in)).contains("content-length: 8");

      out.write(
          ("POST "
                  + CALL
                  + " HTTP/1.1\r\nHost: pub\r\nContent-Length: "
                  + body.length()
                  + "\r\n\r\n"
                  + body)
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      // had the HEAD answer carried a body, its bytes would be read here as the next status line
      assertThat(in.readLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(headers(in)).contains("content-length: 8");
      char[] answer = new char[8];
      for (int read = 0; read < answer.length; ) {
        read += in.read(answer, read, answer.length - read);
      }
      assertThat(new String(answer)).isEqualTo("answer 2");
    }

    assertThat(received)
        .containsExactly(
            "HEAD /pub/job/adder/1.2.3/api/v1/perform HTTP/1.1 ",
            "POST /pub/job/adder/1.2.3/api/v1/perform HTTP/1.1 " + body);
    assertThat(connections.get()).isEqualTo(1);
  }

  /** The header lines of an answer head, lower-cased, up to the empty line. */
  private static List<String> headers(BufferedReader in) throws IOException {
    List<String> lines = new ArrayList<>();
    for (String line = in.readLine(); !line.isEmpty(); line = in.readLine()) {
      lines.add(line.toLowerCase(Locale.ROOT));
    }
    return lines;
  }
}
