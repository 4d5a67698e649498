package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildCacheTest {
  @TempDir Path tmp;

  @Test
  void of_twoFamilies_neverShareADirectory() {
    Path root = BuildCache.root(tmp);
    BuildCache adder = BuildCache.of(root, "pip", "adder", 1 << 20);
    BuildCache other = BuildCache.of(root, "pip", "other", 1 << 20);

    assertThat(adder.dir()).isEqualTo(tmp.resolve("cache/pip/adder"));
    assertThat(adder.open()).isNotEqualTo(other.open());
    assertThat(adder.dir().startsWith(other.dir())).isFalse();
    assertThat(other.dir().startsWith(adder.dir())).isFalse();
  }

  @Test
  void of_familyNameThatLeavesItsDirectory_isRefused() {
    Path root = BuildCache.root(tmp);
    for (String bad : new String[] {"..", "../adder", "a/b", "", ".hidden"}) {
      assertThatThrownBy(() -> BuildCache.of(root, "pip", bad, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void open_createsTheDirectoryPrivateToTheBuilder() throws IOException {
    Path dir = BuildCache.of(BuildCache.root(tmp), "pip", "adder", 1).open();

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.getParent())))
        .isEqualTo("rwx------");
  }

  @Test
  void trim_overTheLimit_emptiesTheCache() throws IOException {
    BuildCache cache = BuildCache.of(BuildCache.root(tmp), "pip", "adder", 1000);
    Path dir = cache.open();
    Files.createDirectories(dir.resolve("http-v2/a"));
    Files.write(dir.resolve("http-v2/a/entry"), new byte[1001]);

    assertThat(cache.trim(BuildProgress.discard())).isTrue();

    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void trim_withinTheLimit_keepsTheCache() throws IOException {
    BuildCache cache = BuildCache.of(BuildCache.root(tmp), "pip", "adder", 1000);
    Path entry = cache.open().resolve("entry");
    Files.write(entry, new byte[1000]);

    assertThat(cache.trim(BuildProgress.discard())).isFalse();

    assertThat(entry).exists();
  }

  @Test
  void removeFamily_removesEveryToolsCacheOfThatFamilyOnly() {
    Path root = BuildCache.root(tmp);
    Path pip = BuildCache.of(root, "pip", "adder", 1).open();
    Path maven = BuildCache.of(root, "maven", "adder", 1).open();
    Path other = BuildCache.of(root, "pip", "other", 1).open();

    BuildCache.removeFamily(root, "adder");

    assertThat(pip).doesNotExist();
    assertThat(maven).doesNotExist();
    assertThat(other).isDirectory();
  }
}
