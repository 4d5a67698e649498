package dev.racetrack.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path tmp;

  @Test
  void write_replacesTheFile_ownerOnly_andLeavesNoTemporaryFile() throws IOException {
    Path file = tmp.resolve("state.json");
    AtomicFiles.write(file, "old");
    AtomicFiles.write(file, "new");
    assertThat(file).hasContent("new");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(names()).containsExactly("state.json");
  }

  @Test
  void write_whenWritingFailsHalfway_leavesTheOldFileIntact_andNoTemporaryFile()
      throws IOException {
    Path file = tmp.resolve("state.json");
    AtomicFiles.write(file, "old content");
    assertThatThrownBy(
            () ->
                AtomicFiles.write(
                    file,
                    out -> {
                      out.write("half of the new".getBytes(StandardCharsets.UTF_8));
                      throw new IOException("disk full");
                    }))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("cannot write " + file)
        .hasMessageContaining("disk full");
    assertThat(file).hasContent("old content");
    assertThat(names()).containsExactly("state.json");
  }

  @Test
  void create_whenTheFileExists_keepsIt_andSaysSo() throws IOException {
    Path file = tmp.resolve("keys/auth.key");
    assertThat(AtomicFiles.create(file, "first")).isTrue();
    assertThat(AtomicFiles.create(file, "second")).isFalse();
    assertThat(file).hasContent("first");
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  private java.util.List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(tmp)) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}
