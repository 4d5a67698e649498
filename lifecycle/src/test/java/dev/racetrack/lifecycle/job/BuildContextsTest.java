package dev.racetrack.lifecycle.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.model.manifest.Manifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextsTest {
  @TempDir Path tmp;

  private BuildContexts contexts() {
    return new BuildContexts(tmp.resolve("contexts"), tmp.resolve("uploads"));
  }

  @Test
  void save_thenLoad_givesATemporaryCopyOfTheKeptContext() throws IOException {
    BuildContexts contexts = contexts();
    Path upload = Files.write(contexts.newUpload(), new byte[] {1, 2, 3});

    contexts.save("adder", "1.0.0", upload);
    Files.delete(upload); // the deployment's own file goes; the kept copy stays
    Path copy = contexts.load("adder", "1.0.0").orElseThrow();

    assertThat(copy).hasBinaryContent(new byte[] {1, 2, 3}).startsWith(tmp.resolve("uploads"));
    assertThat(contexts.load("other", "1.0.0")).isEmpty();
  }

  @Test
  void load_ofAContextKeptAsBase64ByAnOlderVersion_decodesIt_andDeleteRemovesIt()
      throws IOException {
    Files.createDirectories(tmp.resolve("contexts"));
    Path legacy =
        tmp.resolve("contexts").resolve(Manifest.resourceName("adder", "1.0.0") + ".tar.gz.b64");
    Files.writeString(
        legacy, Base64.getEncoder().encodeToString("old".getBytes(StandardCharsets.UTF_8)));
    BuildContexts contexts = contexts();

    assertThat(contexts.load("adder", "1.0.0"))
        .hasValueSatisfying(c -> assertThat(c).hasContent("old"));

    contexts.delete("adder", "1.0.0");
    assertThat(legacy).doesNotExist();
    assertThat(contexts.load("adder", "1.0.0")).isEmpty();
  }

  @Test
  void clearUploads_removesWhatACrashLeft() throws IOException {
    BuildContexts contexts = contexts();
    Path left = contexts.newUpload();

    contexts.clearUploads();

    assertThat(left).doesNotExist();
  }
}
