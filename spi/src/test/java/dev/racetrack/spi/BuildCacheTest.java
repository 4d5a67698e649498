package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
  void trim_overTheLimit_whileAnotherBuildUsesTheCache_keepsIt_andTheLastBuildTrims()
      throws IOException {
    BuildCache cache = BuildCache.of(BuildCache.root(tmp), "pip", "busy", 1000);
    BuildCache.Use other = cache.use();
    Path entry = cache.dir().resolve("entry");
    Files.write(entry, new byte[1001]);
    List<String> log = new ArrayList<>();

    assertThat(cache.trim(BuildProgress.logTo(log::add))).isFalse();
    assertThat(entry).exists();
    assertThat(log).singleElement().asString().contains("another build of the family is using it");

    other.close();
    other.close(); // closing twice gives the hold back once
    assertThat(cache.trim(BuildProgress.logTo(log::add))).isTrue();
    assertThat(cache.dir()).isEmptyDirectory();
  }

  @Test
  void use_whileATrimEmptiesTheCache_waitsForIt() throws Exception {
    BuildCache cache = BuildCache.of(BuildCache.root(tmp), "pip", "racing", 1000);
    Files.write(cache.open().resolve("entry"), new byte[1001]);
    CountDownLatch deleting = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // the trim's progress line is written while it holds the cache: hold it there
    BuildProgress blocking =
        BuildProgress.logTo(
            line -> {
              deleting.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    try (ExecutorService builds = Executors.newFixedThreadPool(2)) {
      Future<Boolean> trim = builds.submit(() -> cache.trim(blocking));
      assertThat(deleting.await(10, TimeUnit.SECONDS)).isTrue();

      Future<BuildCache.Use> use = builds.submit(cache::use);
      assertThatThrownBy(() -> use.get(300, TimeUnit.MILLISECONDS))
          .isInstanceOf(TimeoutException.class);

      release.countDown();
      assertThat(trim.get(10, TimeUnit.SECONDS)).isTrue();
      use.get(10, TimeUnit.SECONDS).close();
      assertThat(cache.dir()).isEmptyDirectory();
    }
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
