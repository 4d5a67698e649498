package dev.racetrack.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.model.error.PayloadTooLargeException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A body above a limit is answered with a readable 413, however far the client got sending it: the
 * server reads and drops the rest of the body before answering, so the client is never cut off
 * mid-upload with a reset instead of the error (seen as "header parser received no bytes").
 */
class BodyLimitIT {
  private static final int LIMIT = 64 * 1024;
  private static final int ROUNDS = 25;
  private static ApiServer server;
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    Routes upload =
        routes ->
            routes.post(
                "/upload",
                ctx -> {
                  // reads the body as a stream and gives up past the limit, like a deploy upload
                  byte[] buffer = new byte[8192];
                  long seen = 0;
                  try (InputStream in = ctx.bodyInputStream()) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                      seen += n;
                      if (seen > LIMIT) {
                        throw new PayloadTooLargeException("upload is above the limit of " + LIMIT);
                      }
                    }
                  } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                  }
                  ctx.result("read " + seen);
                });
    server =
        new ApiServer(
                new ApiServer.Settings("body-limit-test", "0", "127.0.0.1", 0, List.of(""), LIMIT),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(upload))
            .start();
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void declaredLengthAboveLimit_isAnswered413_everyTime() throws Exception {
    byte[] body = new byte[4 << 20];
    for (int i = 0; i < ROUNDS; i++) {
      HttpResponse<String> response = send(HttpRequest.BodyPublishers.ofByteArray(body));
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.body())
          .as("the limit as configured (64 KiB), not rounded to 0.1 MiB")
          .contains("request body is above the limit of 64 KiB for /upload");
    }
  }

  @Test
  void chunkedBodyAboveLimit_isAnswered413_everyTime() throws Exception {
    byte[] body = new byte[4 << 20];
    for (int i = 0; i < ROUNDS; i++) {
      Supplier<InputStream> stream = () -> new java.io.ByteArrayInputStream(body);
      HttpResponse<String> response = send(HttpRequest.BodyPublishers.ofInputStream(stream));
      assertThat(response.statusCode()).isEqualTo(413);
      assertThat(response.body()).contains("upload is above the limit of " + LIMIT);
    }
  }

  @Test
  void chunkedBodyAboveLimitThatNeverEnds_isAnswered413_soonAfterTheClientStalls()
      throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      java.io.OutputStream out = socket.getOutputStream();
      out.write(
          "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      byte[] chunk = new byte[2 * LIMIT];
      out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes());
      out.write(chunk);
      out.write("\r\n".getBytes());
      out.flush(); // and no last chunk
      String head =
          new String(
              socket.getInputStream().readNBytes(12), java.nio.charset.StandardCharsets.US_ASCII);
      assertThat(head)
          .as("answered within the read timeout, not after the server's idle timeout")
          .isEqualTo("HTTP/1.1 413");
    }
  }

  @Test
  void bodyWithinLimit_isRead() throws Exception {
    HttpResponse<String> response = send(HttpRequest.BodyPublishers.ofByteArray(new byte[LIMIT]));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("read " + LIMIT);
  }

  private static HttpResponse<String> send(HttpRequest.BodyPublisher body) throws Exception {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/upload"))
            .POST(body)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
