package dev.racetrack.lifecycle;

import static dev.racetrack.lifecycle.LifecycleFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.archive.BuildContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #7 §5: a deploy body is streamed, its build context decoded to a temporary file that is
 * handed on (checked, sent to the image builder, kept) and deleted when the deployment ends or is
 * refused. {@code MAX_BUILD_CONTEXT_MB=1}: the deploy body limit is 2 MiB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DeployUploadIT {
  private FakeImageBuilderFixture imageBuilder;
  private LifecycleFixture lifecycle;
  private String admin;
  @TempDir Path tmp;

  @BeforeAll
  void start() {
    imageBuilder = new FakeImageBuilderFixture();
    lifecycle =
        new LifecycleFixture(
            Map.of("IMAGE_BUILDER_URL", imageBuilder.url(), "MAX_BUILD_CONTEXT_MB", "1"));
    admin = lifecycle.adminToken();
  }

  @AfterAll
  void stop() {
    lifecycle.close();
    imageBuilder.close();
  }

  /** A .tar.gz of {@code bytes} random (incompressible) bytes. */
  private byte[] context(String name, int bytes) throws IOException {
    Path dir = Files.createDirectories(tmp.resolve(name));
    byte[] content = new byte[bytes];
    new Random(42).nextBytes(content);
    Files.write(dir.resolve("data.bin"), content);
    Files.writeString(dir.resolve("job.py"), "class Job:\n    pass\n");
    return BuildContext.pack(dir, p -> true);
  }

  private static Map<String, Object> payload(String name, byte[] context) {
    Map<String, Object> manifest = new HashMap<>();
    manifest.put("name", name);
    manifest.put("version", "1.0.0");
    manifest.put("owner_email", "owner@example.com");
    manifest.put("jobtype", "python3:latest");
    manifest.put("git", Map.of("remote", "https://example.com/owner/" + name));
    manifest.put("jobtype_extra", Map.of("entrypoint_path", "job.py"));
    return Map.of(
        "manifest", manifest, "build_context", Base64.getEncoder().encodeToString(context));
  }

  private List<Path> leftovers() throws IOException {
    Path uploads = lifecycle.dataDir().resolve("uploads");
    if (!Files.isDirectory(uploads)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(uploads)) {
      return files.toList();
    }
  }

  private JsonNode awaitFinished(HttpResponse<String> accepted) {
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(200);
    String id = json(accepted.body()).path("id").asText();
    return await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> json(lifecycle.get("/api/v1/deploy/" + id, admin).body()),
            d -> !d.path("status").asText().equals("in_progress"));
  }

  @Test
  void build_withAContextOfNearlyTheLimit_reachesTheImageBuilderIntact_andLeavesNoFile()
      throws IOException {
    byte[] context = context("near-limit", 900_000);

    JsonNode built = awaitFinished(lifecycle.post("/api/v1/build", payload("big", context), admin));

    assertThat(built.path("status").asText()).as(built.toString()).isEqualTo("done");
    JsonNode request = imageBuilder.requests().getLast();
    assertThat(Base64.getDecoder().decode(request.path("build_context").asText()))
        .isEqualTo(context);
    assertThat(request.path("manifest").path("name").asText()).isEqualTo("big");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void deploy_withAContext_sendsItToTheBuilder_andLeavesNoTemporaryFile() throws IOException {
    byte[] context = context("kept", 10_000);

    awaitFinished(lifecycle.post("/api/v1/deploy", payload("kept", context), admin));

    // built, then fails to start (the fake artifact does not exist): nothing kept, nothing left
    assertThat(imageBuilder.requests().getLast().path("build_context").asText())
        .isEqualTo(Base64.getEncoder().encodeToString(context));
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void deploy_contextAboveTheLimit_is413NamingTheLimit_andLeavesNoFile() throws IOException {
    byte[] context = context("too-big", 1_300_000);
    assertThat(context.length).isGreaterThan(1 << 20);

    HttpResponse<String> refused =
        lifecycle.post("/api/v1/deploy", payload("too-big", context), admin);

    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(413);
    assertThat(json(refused.body()).path("error").asText())
        .contains("limit of 1048576 bytes")
        .contains("MAX_BUILD_CONTEXT_MB");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void deploy_invalidContext_is400_andLeavesNoFile() throws IOException {
    HttpResponse<String> notBase64 =
        lifecycle.post(
            "/api/v1/deploy",
            Map.of("manifest", payload("bad", new byte[0]).get("manifest"), "build_context", "%%"),
            admin);
    HttpResponse<String> notTarGz =
        lifecycle.post(
            "/api/v1/deploy",
            payload("bad", "not an archive".getBytes(StandardCharsets.UTF_8)),
            admin);

    assertThat(notBase64.statusCode()).as(notBase64.body()).isEqualTo(400);
    assertThat(notBase64.body()).contains("build_context is not valid base64");
    assertThat(notTarGz.statusCode()).as(notTarGz.body()).isEqualTo(400);
    assertThat(notTarGz.body()).contains("not a valid .tar.gz");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void deploy_chunkedBodyAboveTheBodyLimit_isCutOffWith413_andLeavesNoFile() throws IOException {
    URI uri = URI.create(lifecycle.url("/api/v1/deploy"));
    try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("POST /api/v1/deploy HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + "X-Racetrack-Auth: "
                  + admin
                  + "\r\nTransfer-Encoding: chunked\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      chunk(
          out,
          "{\"build_context\": null, \"manifest\": {\"x\": \"".getBytes(StandardCharsets.US_ASCII));
      byte[] letters = new byte[64 * 1024];
      java.util.Arrays.fill(letters, (byte) 'x');
      // 2 MiB + 128 KiB, above the 2 MiB body limit, and no last chunk: only a reader that stops
      // at the limit can answer
      for (int i = 0; i < 34; i++) {
        chunk(out, letters);
      }
      out.flush();
      byte[] head = socket.getInputStream().readNBytes(12);
      assertThat(new String(head, StandardCharsets.US_ASCII)).isEqualTo("HTTP/1.1 413");
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> leftovers().isEmpty());
  }

  private static void chunk(OutputStream out, byte[] data) throws IOException {
    out.write((Integer.toHexString(data.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(data);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
  }
}
