package dev.racetrack.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.error.PayloadTooLargeException;
import dev.racetrack.model.error.ValidationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #7 §5: one streamed reader of bodies carrying a build context, for both hops. */
class JsonUploadTest {
  private static final long MIB = 1 << 20;

  record Typed(int count) {}

  @TempDir Path tmp;

  private Path newFile() {
    try {
      return Files.createTempFile(Files.createDirectories(tmp.resolve("uploads")), "ctx-", ".bin");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<Path> files() throws IOException {
    Path dir = tmp.resolve("uploads");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      return files.toList();
    }
  }

  private static InputStream body(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  private static JsonUpload.Spec spec(long maxBody, long maxFile) {
    return JsonUpload.Spec.buildContext("/api/v1/build", maxBody, maxFile);
  }

  private static byte[] sha256(byte[] bytes) throws Exception {
    return MessageDigest.getInstance("SHA-256").digest(bytes);
  }

  /**
   * 17 MiB of random bytes is 23.8 million base64 characters, above Jackson's longest string (20
   * million): reading the body as a tree or a String refuses it, the streamed reader decodes it.
   */
  @Test
  void read_fieldAboveJacksonsLongestString_isDecodedIntoAFile() throws Exception {
    byte[] context = new byte[(int) (17 * MIB)];
    new Random(7).nextBytes(context);
    String json =
        "{\"deployment_id\": \"d-1\", \"build_context\": \""
            + Base64.getEncoder().encodeToString(context)
            + "\", \"tag\": \"t\"}";

    JsonUpload<JsonNode> upload =
        JsonUpload.read(body(json), JsonNode.class, spec(64 * MIB, 32 * MIB), this::newFile);

    assertThat(upload.file()).isPresent();
    assertThat(sha256(Files.readAllBytes(upload.file().get()))).isEqualTo(sha256(context));
    assertThat(upload.fields().path("deployment_id").asText()).isEqualTo("d-1");
    assertThat(upload.fields().path("tag").asText()).isEqualTo("t");
    assertThat(upload.fields().has("build_context")).isFalse();
    upload.discard();
    assertThat(files()).isEmpty();
  }

  @Test
  void read_fieldAboveTheFileLimit_is413NamingMaxBuildContextMb_andLeavesNoFile()
      throws IOException {
    String json =
        "{\"build_context\": \"" + Base64.getEncoder().encodeToString(new byte[4096]) + "\"}";

    assertThatThrownBy(
            () -> JsonUpload.read(body(json), JsonNode.class, spec(MIB, 4095), this::newFile))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("limit of 4095 bytes")
        .hasMessageContaining("MAX_BUILD_CONTEXT_MB");
    assertThat(files()).isEmpty();
  }

  @Test
  void read_fieldExactlyAtTheFileLimit_isAccepted() throws IOException {
    String json =
        "{\"build_context\": \"" + Base64.getEncoder().encodeToString(new byte[4096]) + "\"}";

    JsonUpload<JsonNode> upload =
        JsonUpload.read(body(json), JsonNode.class, spec(MIB, 4096), this::newFile);

    assertThat(upload.file()).hasValueSatisfying(f -> assertThat(f).hasSize(4096));
    upload.discard();
  }

  @Test
  void read_bodyAboveTheBodyLimit_is413NamingTheLimitAndRoute_andLeavesNoFile() throws IOException {
    String json =
        "{\"build_context\": \""
            + Base64.getEncoder().encodeToString(new byte[4096])
            + "\", \"tag\": \"t\"}";

    assertThatThrownBy(
            () -> JsonUpload.read(body(json), JsonNode.class, spec(2000, MIB), this::newFile))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("limit of 2000 bytes for /api/v1/build");
    assertThat(files()).isEmpty();
  }

  @Test
  void read_malformedBodies_are400_andLeaveNoFile() throws IOException {
    for (String json :
        List.of(
            "",
            "[1]",
            "{\"build_context\": \"QUJD\", \"tag\": ",
            "{\"build_context\": \"not base64 at all!\"}",
            "{\"build_context\": 42}",
            "{\"build_context\": \"QUJD\", \"build_context\": \"QUJD\"}",
            "{\"build_context\": \"QUJD\", \"build_context\": null}")) {
      assertThatThrownBy(
              () -> JsonUpload.read(body(json), JsonNode.class, spec(MIB, MIB), this::newFile))
          .as(json)
          .isInstanceOf(ValidationException.class);
    }
    assertThat(files()).isEmpty();
  }

  @Test
  void read_fieldsThatDoNotFitTheType_are400_andLeaveNoFile() throws IOException {
    String json = "{\"build_context\": \"QUJD\", \"count\": \"many\"}";

    assertThatThrownBy(
            () -> JsonUpload.read(body(json), Typed.class, spec(MIB, MIB), this::newFile))
        .isInstanceOf(ValidationException.class);
    assertThat(files()).isEmpty();
  }
}
