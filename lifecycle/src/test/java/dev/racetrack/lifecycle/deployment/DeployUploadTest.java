package dev.racetrack.lifecycle.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.lifecycle.job.BuildContexts;
import dev.racetrack.model.error.PayloadTooLargeException;
import dev.racetrack.model.error.ValidationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue #7 §5: the deploy body is streamed, its build context decoded straight to a file. */
class DeployUploadTest {
  @TempDir Path tmp;

  private BuildContexts contexts() {
    return new BuildContexts(tmp.resolve("contexts"), tmp.resolve("uploads"));
  }

  private static InputStream body(String json) {
    return new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8));
  }

  private List<Path> uploads() throws IOException {
    Path dir = tmp.resolve("uploads");
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var files = Files.list(dir)) {
      return files.toList();
    }
  }

  @Test
  void read_withAContext_decodesItIntoAFile_andParsesTheOtherFields() throws IOException {
    byte[] context = "a .tar.gz, as far as this test cares".getBytes(StandardCharsets.UTF_8);
    String json =
        "{\"manifest\": {\"name\": \"adder\"}, \"build_context\": \""
            + Base64.getEncoder().encodeToString(context)
            + "\", \"force\": true, \"build_flags\": [\"--no-cache\"],"
            + " \"secret_vars\": {\"build_env\": {\"A\": \"b\"}}}";

    DeployUpload upload = DeployUpload.read(body(json), 1 << 20, 1 << 20, contexts());

    assertThat(upload.context()).hasValueSatisfying(f -> assertThat(f).hasBinaryContent(context));
    assertThat(upload.request().buildContext()).isNull();
    assertThat(upload.request().manifest()).containsEntry("name", "adder");
    assertThat(upload.request().isForced()).isTrue();
    assertThat(upload.request().buildFlags()).containsExactly("--no-cache");
    assertThat(upload.request().secretVars().buildEnv()).containsEntry("A", "b");
    upload.discard();
    assertThat(uploads()).isEmpty();
  }

  @Test
  void read_withoutOrWithANullContext_createsNoFile() throws IOException {
    assertThat(DeployUpload.read(body("{\"manifest\": {}}"), 1024, 1024, contexts()).context())
        .isEmpty();
    assertThat(
            DeployUpload.read(
                    body("{\"build_context\": null, \"manifest\": {}}"), 1024, 1024, contexts())
                .context())
        .isEmpty();
    assertThat(uploads()).isEmpty();
  }

  @Test
  void read_contextAboveTheContextLimit_is413NamingIt_andLeavesNoFile() throws IOException {
    String json =
        "{\"build_context\": \"" + Base64.getEncoder().encodeToString(new byte[4096]) + "\"}";

    assertThatThrownBy(() -> DeployUpload.read(body(json), 1 << 20, 1024, contexts()))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("MAX_BUILD_CONTEXT_MB")
        .hasMessageContaining("limit of 1024 bytes");
    assertThat(uploads()).isEmpty();
  }

  @Test
  void read_bodyAboveTheBodyLimit_is413NamingIt_andLeavesNoFile() throws IOException {
    String json =
        "{\"build_context\": \""
            + Base64.getEncoder().encodeToString(new byte[4096])
            + "\", \"manifest\": {}}";

    assertThatThrownBy(() -> DeployUpload.read(body(json), 2000, 1 << 20, contexts()))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("limit of 2000 bytes");
    assertThat(uploads()).isEmpty();
  }

  @Test
  void read_malformedBodies_are400_andLeaveNoFile() throws IOException {
    for (String json :
        List.of(
            "",
            "[1]",
            "{\"build_context\": \"QUJD\", \"manifest\": ",
            "{\"build_context\": \"not base64 at all!\"}",
            "{\"build_context\": 42}",
            "{\"build_context\": \"QUJD\", \"build_context\": \"QUJD\"}",
            "{\"build_context\": \"QUJD\", \"force\": \"maybe\"}")) {
      assertThatThrownBy(() -> DeployUpload.read(body(json), 1 << 20, 1 << 20, contexts()))
          .as(json)
          .isInstanceOf(ValidationException.class);
    }
    assertThat(uploads()).isEmpty();
  }

  /**
   * A 96 MB body (a 72 MB context) is read by a JVM with a 32 MB heap: only a reader that never
   * holds the body or the context whole can do it (reading the body into a String, as before, runs
   * out of memory).
   */
  @Test
  void read_contextLargerThanTheHeap_isStreamedToDisk() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx32m",
                "-cp",
                System.getProperty("java.class.path"),
                LargeUpload.class.getName(),
                tmp.toString())
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("child finished").isTrue();
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.exitValue()).as(output).isZero();
      assertThat(output).contains("context bytes: " + LargeUpload.CONTEXT_BYTES);
    } finally {
      // a child that outlived the wait would go on writing under tmp while JUnit deletes it
      child.destroyForcibly().waitFor();
    }
  }

  /** Runs in the child JVM with a small heap. */
  static final class LargeUpload {
    static final long CONTEXT_BYTES = 72L << 20;

    public static void main(String[] args) throws IOException {
      Path dir = Path.of(args[0]);
      InputStream json =
          new SequenceInputStream(
              new SequenceInputStream(
                  body("{\"manifest\": {\"name\": \"big\"}, \"build_context\": \""),
                  new Repeated((byte) 'A', CONTEXT_BYTES / 3 * 4)),
              body("\"}"));
      DeployUpload upload =
          DeployUpload.read(
              json,
              200L << 20,
              100L << 20,
              new BuildContexts(dir.resolve("contexts"), dir.resolve("uploads")));
      System.out.println("context bytes: " + Files.size(upload.context().orElseThrow()));
      upload.discard();
    }
  }

  /** {@code count} copies of one byte, produced as they are read. */
  private static final class Repeated extends InputStream {
    private final byte value;
    private long left;

    Repeated(byte value, long count) {
      this.value = value;
      this.left = count;
    }

    @Override
    public int read() {
      if (left <= 0) {
        return -1;
      }
      left--;
      return value;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
      if (left <= 0) {
        return -1;
      }
      int n = (int) Math.min(length, left);
      java.util.Arrays.fill(buffer, offset, offset + n, value);
      left -= n;
      return n;
    }
  }
}
