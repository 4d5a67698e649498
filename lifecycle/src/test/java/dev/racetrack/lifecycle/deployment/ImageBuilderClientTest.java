package dev.racetrack.lifecycle.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.racetrack.http.JsonUpload;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.build.BuildResult;
import dev.racetrack.spi.BuildProgress;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageBuilderClientTest {
  private static void write(OutputStream out, String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Test
  void build_streamedLogLines_canBeFollowedWhileTheBuildRuns() throws Exception {
    CountDownLatch followed = new CountDownLatch(1);
    HttpServer builder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    builder.createContext(
        "/api/v1/build/sse",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            write(out, "event: phase\ndata: building\n\nevent: log\ndata: line one\n\n");
            // the rest only once the test follows the running build
            followed.await(30, TimeUnit.SECONDS);
            write(out, "event: log\ndata: line two\n\n");
            write(
                out,
                "event: result\ndata: {\"image_name\": \"img\", \"logs\": \"line one\\nline two\","
                    + " \"warnings\": []}\n\n");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    builder.start();
    try {
      LiveBuildLogs live = new LiveBuildLogs();
      ImageBuilderClient client =
          new ImageBuilderClient(
              HttpClient.newHttpClient(),
              "http://127.0.0.1:" + builder.getAddress().getPort(),
              "internal",
              live);
      List<String> phases = new CopyOnWriteArrayList<>();
      CompletableFuture<BuildResult> result =
          CompletableFuture.supplyAsync(
              () ->
                  client.build(
                      new BuildRequest(
                          "d1",
                          Map.of("name", "adder"),
                          null,
                          null,
                          Map.of(),
                          "2026-12-02T000000",
                          List.of(),
                          BuildRequest.Output.DIRECTORY),
                      java.util.Optional.empty(),
                      new BuildProgress() {
                        @Override
                        public void phase(String phase) {
                          phases.add(phase);
                        }

                        @Override
                        public void warning(String warning) {}

                        @Override
                        public void log(String line) {}
                      }));
      List<String> seen = new CopyOnWriteArrayList<>();
      LiveBuildLogs.Follower follower =
          new LiveBuildLogs.Follower() {
            @Override
            public void line(String line) {
              seen.add(line);
            }

            @Override
            public void end() {
              seen.add("END");
            }
          };
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> live.follow("d1", follower).isPresent() || result.isDone());
      assertThat(result).isNotDone();
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("line one"));
      followed.countDown();

      assertThat(result.get(30, TimeUnit.SECONDS).imageName()).isEqualTo("img");
      await().atMost(Duration.ofSeconds(30)).until(() -> seen.contains("END"));
      assertThat(seen).containsExactly("line one", "line two", "END");
      assertThat(phases).containsExactly("building");
      assertThat(live.follow("d1", follower)).isEmpty();
    } finally {
      builder.stop(0);
    }
  }

  /**
   * The context file goes out as the base64 {@code build_context} field, encoded as it is sent (one
   * line: a line break inside a JSON string is invalid), and the builder's reader decodes it back
   * to the same bytes.
   */
  @Test
  void build_withAContextFile_sendsItAsOneLineOfBase64_thatDecodesToTheSameBytes(@TempDir Path tmp)
      throws Exception {
    byte[] context = new byte[100_001]; // not a multiple of 3, larger than any one chunk
    new Random(11).nextBytes(context);
    Path file = Files.write(tmp.resolve("context.tar.gz"), context);
    AtomicReference<byte[]> received = new AtomicReference<>();
    HttpServer builder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    builder.createContext(
        "/api/v1/build/sse",
        exchange -> {
          received.set(exchange.getRequestBody().readAllBytes());
          exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
          exchange.sendResponseHeaders(200, 0);
          try (OutputStream out = exchange.getResponseBody()) {
            write(
                out,
                "event: result\ndata: {\"image_name\": \"img\", \"logs\": \"\", \"warnings\": []}\n\n");
          }
        });
    builder.start();
    try {
      ImageBuilderClient client =
          new ImageBuilderClient(
              HttpClient.newHttpClient(),
              "http://127.0.0.1:" + builder.getAddress().getPort(),
              "internal");

      BuildResult result =
          client.build(
              new BuildRequest(
                  "d2",
                  Map.of("name", "adder"),
                  null,
                  null,
                  Map.of(),
                  "2026-12-02T000000",
                  List.of(),
                  BuildRequest.Output.DIRECTORY),
              Optional.of(file),
              BuildProgress.discard());

      assertThat(result.imageName()).isEqualTo("img");
      String body = new String(received.get(), StandardCharsets.UTF_8);
      assertThat(body).doesNotContain("\n").doesNotContain("\r");
      JsonUpload<BuildRequest> upload =
          JsonUpload.read(
              new ByteArrayInputStream(received.get()),
              BuildRequest.class,
              JsonUpload.Spec.buildContext("/api/v1/build/sse", 1 << 20, 1 << 20),
              () -> tmp.resolve("decoded"));
      assertThat(upload.fields().deploymentId()).isEqualTo("d2");
      assertThat(upload.file()).hasValueSatisfying(f -> assertThat(f).hasBinaryContent(context));
    } finally {
      builder.stop(0);
    }
  }
}
