package dev.racetrack.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileTreesTest {
  @TempDir Path tmp;

  @Test
  void delete_removesTheWholeTree_andLeavesSiblings() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree/a/b"));
    Files.writeString(tree.resolve("f.txt"), "x");
    Files.writeString(tmp.resolve("tree/g.txt"), "y");
    Path sibling = Files.writeString(tmp.resolve("sibling.txt"), "z");

    FileTrees.delete(tmp.resolve("tree"));

    assertThat(tmp.resolve("tree")).doesNotExist();
    assertThat(sibling).exists();
  }

  @Test
  void delete_ofAMissingDirectory_doesNothing() {
    FileTrees.delete(tmp.resolve("missing"));

    assertThat(tmp).exists();
  }
}
