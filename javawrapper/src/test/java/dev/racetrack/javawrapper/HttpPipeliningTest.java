package dev.racetrack.javawrapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Requests sent back to back on one connection are answered one by one, in order. */
class HttpPipeliningTest {

  @Test
  void pipelinedRequests_areAnsweredInOrder() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Adder.class);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), job.server().port())) {
      String body = "{\"numbers\": [40, 2]}";
      String requests =
          "GET /live HTTP/1.1\r\nHost: job\r\n\r\n"
              + "POST /api/v1/perform HTTP/1.1\r\nHost: job\r\n"
              + JobCallGuard.HEADER
              + ": "
              + JobServerFixture.CALL_SECRET
              + "\r\nContent-Length: "
              + body.length()
              + "\r\n\r\n"
              + body
              + "GET /nowhere HTTP/1.1\r\nHost: job\r\n"
              + JobCallGuard.HEADER
              + ": "
              + JobServerFixture.CALL_SECRET
              + "\r\n\r\n"
              + "GET /ready HTTP/1.1\r\nHost: job\r\nConnection: close\r\n\r\n";
      socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();

      InputStream in = socket.getInputStream();
      String answers = new String(in.readAllBytes(), StandardCharsets.UTF_8);

      assertThat(answers.split("HTTP/1.1 ", -1)).hasSize(5);
      int live = answers.indexOf("{\"live\":true");
      int sum = answers.indexOf("\r\n\r\n42.0");
      int notFound = answers.indexOf("HTTP/1.1 404");
      int ready = answers.indexOf("{\"ready\":true}");
      assertThat(live).isNotNegative().isLessThan(sum);
      assertThat(sum).isLessThan(notFound);
      assertThat(notFound).isLessThan(ready);
    }
  }

  @Test
  void malformedRequest_isAnswered400AndClosed() throws IOException {
    try (JobServerFixture job = JobServerFixture.ready(TestJobs.Adder.class);
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), job.server().port())) {
      socket
          .getOutputStream()
          .write(
              "GET /live HTTP/1.1\r\nHost: job\r\nContent-Length: 1x\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));

      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

      assertThat(answer).startsWith("HTTP/1.1 400").contains("malformed request");
    }
  }
}
