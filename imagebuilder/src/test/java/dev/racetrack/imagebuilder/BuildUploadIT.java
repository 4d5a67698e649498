package dev.racetrack.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.Tools;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7 §5: the image builder streams a build request's context to disk, as lifecycle does the
 * deploy body: a context above Jackson's longest string (20 million characters, about 15 MB of
 * context) but below {@code MAX_BUILD_CONTEXT_MB} is built, one above the limit is refused with a
 * 413 naming the variable, and the decoded file is gone when the build ends.
 */
class BuildUploadIT {
  private static final String TOKEN = "builder-token";

  @TempDir Path tmp;
  private ImageBuilderApp app;
  private final HttpClient http = HttpClient.newHttpClient();

  private void start(Map<String, String> extra) {
    Map<String, String> env = new HashMap<>(extra);
    env.put("RACETRACK_DATA_DIR", tmp.resolve("data").toString());
    env.put("IMAGE_BUILDER_PORT", "0");
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", System.getProperty("user.home"));
    app =
        ImageBuilderApp.start(
            ImageBuilderConfig.fromEnv(env, TOKEN), Plugins.discover(), Clock.systemUTC(), "test");
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.close();
    }
  }

  private Path uploads() {
    return tmp.resolve("data/build-uploads");
  }

  private List<Path> uploadedFiles() throws IOException {
    if (!Files.isDirectory(uploads())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(uploads())) {
      return files.toList();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** A job directory with a file of {@code size} random (incompressible) bytes, packed. */
  private byte[] contextWithBlob(int size) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("job"));
    Files.writeString(
        dir.resolve("job.py"), "class Job:\n    def perform(self):\n        return 1\n");
    byte[] blob = new byte[size];
    new Random(17).nextBytes(blob);
    Files.write(dir.resolve("blob.bin"), blob);
    return BuildContext.pack(dir, p -> true);
  }

  private static BuildRequest request(String id, byte[] context) {
    return new BuildRequest(
        id,
        Map.of(
            "name", "streamed",
            "owner_email", "a@example.com",
            "jobtype", "python3:latest",
            "git", Map.of("remote", "https://example.com/x"),
            "jobtype_extra", Map.of("entrypoint_path", "job.py")),
        Base64.getEncoder().encodeToString(context),
        null,
        Map.of(),
        "2026-12-02T000000",
        List.of(),
        null);
  }

  private HttpRequest.Builder post(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path))
        .timeout(Duration.ofMinutes(5))
        .header("X-Racetrack-Auth", TOKEN);
  }

  @Test
  void buildSse_contextAboveJacksonsLongestString_isDecodedToTheSameBytes_andBuilt()
      throws Exception {
    Tools.require("python3");
    start(Map.of());
    byte[] context = contextWithBlob(17 << 20);
    assertThat(context.length).isGreaterThan(17 << 20).isLessThan(64 << 20);
    byte[] body = Json.writeBytes(request("big-1", context));
    assertThat(body.length).isGreaterThan(20_000_000);

    // sent chunked (no Content-Length), as lifecycle sends it
    HttpResponse<Stream<String>> response =
        http.send(
            post("/api/v1/build/sse")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build(),
            HttpResponse.BodyHandlers.ofLines());

    assertThat(response.statusCode()).isEqualTo(200);
    List<String> lines = new ArrayList<>();
    String received = null;
    for (Iterator<String> it = response.body().iterator(); it.hasNext(); ) {
      String line = it.next();
      lines.add(line);
      if (received == null && line.startsWith("event: phase")) {
        // the build is running: its context is on the builder's disk, decoded
        List<Path> files = uploadedFiles();
        assertThat(files).hasSize(1);
        received = sha256(Files.readAllBytes(files.getFirst()));
      }
    }
    assertThat(received).isEqualTo(sha256(context));
    String resultLine = lines.get(lines.lastIndexOf("event: result") + 1);
    JsonNode result = Json.mapper().readTree(resultLine.substring("data: ".length()));
    assertThat(result.path("error").isNull()).as(result.toString()).isTrue();
    Path blob = Path.of(result.path("image_name").asText()).resolve("job/blob.bin");
    assertThat(sha256(Files.readAllBytes(blob)))
        .isEqualTo(sha256(Files.readAllBytes(tmp.resolve("job/blob.bin"))));
    await().atMost(Duration.ofSeconds(30)).until(() -> uploadedFiles().isEmpty());
  }

  @Test
  void build_contextAboveTheLimit_is413NamingMaxBuildContextMb_andLeavesNoFile() throws Exception {
    start(Map.of("MAX_BUILD_CONTEXT_MB", "1"));
    byte[] context = new byte[1_300_000]; // 1.7 MB of base64: within the body limit (2 MiB)
    new Random(3).nextBytes(context);

    for (String path : List.of("/api/v1/build/sse", "/api/v1/build")) {
      HttpResponse<String> response =
          http.send(
              post(path)
                  .POST(
                      HttpRequest.BodyPublishers.ofByteArray(
                          Json.writeBytes(request("l", context))))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(response.statusCode()).as(path).isEqualTo(413);
      assertThat(response.body())
          .as(path)
          .contains("MAX_BUILD_CONTEXT_MB")
          .contains("limit of " + (1 << 20) + " bytes");
      assertThat(uploadedFiles()).as(path).isEmpty();
    }
  }

  @Test
  void build_failingBuild_deletesItsContextFile() throws Exception {
    start(Map.of());
    byte[] notAnArchive = new byte[100_000];
    new Random(5).nextBytes(notAnArchive);

    HttpResponse<String> response =
        http.send(
            post("/api/v1/build")
                .POST(
                    HttpRequest.BodyPublishers.ofByteArray(
                        Json.writeBytes(request("bad-1", notAnArchive))))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(Json.mapper().readTree(response.body()).path("error").asText())
        .contains("not a valid .tar.gz");
    assertThat(Files.isDirectory(uploads())).as("the context was received as a file").isTrue();
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(uploads())))
        .as("only the builder's user may enter its uploads")
        .isEqualTo("rwx------");
    await().atMost(Duration.ofSeconds(30)).until(() -> uploadedFiles().isEmpty());
  }
}
