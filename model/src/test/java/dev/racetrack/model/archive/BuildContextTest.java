package dev.racetrack.model.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.PayloadTooLargeException;
import dev.racetrack.model.error.ValidationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTest {
  @TempDir Path tmp;

  @Test
  void packAndExtract_roundTripsFilesDirsAndInnerLinks() throws IOException {
    Path src = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(src.resolve("job.yaml"), "name: x\n");
    Files.createDirectories(src.resolve("pkg/sub"));
    Files.writeString(src.resolve("pkg/sub/a.py"), "print(1)\n");
    Files.writeString(src.resolve("skip.log"), "noise");
    Files.createSymbolicLink(src.resolve("link.py"), Path.of("pkg/sub/a.py"));
    byte[] archive = BuildContext.pack(src, p -> !p.toString().endsWith(".log"));

    Path dest = Files.createDirectories(tmp.resolve("dest"));
    BuildContext.extract(archive, dest, BuildContext.Limits.DEFAULT);
    assertThat(dest.resolve("pkg/sub/a.py")).hasContent("print(1)");
    assertThat(dest.resolve("job.yaml")).exists();
    assertThat(dest.resolve("skip.log")).doesNotExist();
    assertThat(Files.readSymbolicLink(dest.resolve("link.py"))).isEqualTo(Path.of("pkg/sub/a.py"));
  }

  @Test
  // before the fix, opening the pipe waited for a writer forever (not interruptible: own thread)
  @org.junit.jupiter.api.Timeout(
      value = 30,
      threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
  void pack_aNamedPipe_isRefusedNamingIt_insteadOfWaitingForAWriter() throws Exception {
    Path src = Files.createDirectories(tmp.resolve("piped"));
    Files.writeString(src.resolve("job.yaml"), "name: x\n");
    Process mkfifo = new ProcessBuilder("mkfifo", src.resolve("fifo").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();

    assertThatThrownBy(() -> BuildContext.pack(src, p -> true))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "cannot pack fifo in "
                + src
                + ": it is not a regular file, directory or symbolic link (a named pipe, socket"
                + " or device); remove it or add it to .gitignore");
    assertThat(BuildContext.pack(src, p -> !p.toString().equals("fifo"))).isNotEmpty();
  }

  @Test
  void check_rejectsParentTraversal() {
    byte[] archive = tar(file("../evil.sh", "x"));
    assertThatThrownBy(() -> BuildContext.check(archive, BuildContext.Limits.DEFAULT))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'../evil.sh'")
        .hasMessageContaining("outside the context");
    assertThatThrownBy(
            () -> BuildContext.check(tar(file("a/../../b", "x")), BuildContext.Limits.DEFAULT))
        .hasMessageContaining("outside the context");
  }

  @Test
  void check_rejectsAbsolutePaths() {
    assertThatThrownBy(
            () -> BuildContext.check(tar(file("/etc/cron.d/x", "x")), BuildContext.Limits.DEFAULT))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("absolute path");
  }

  @Test
  void check_rejectsLinksPointingOutside() {
    TarArchiveEntry up = new TarArchiveEntry("dir/up", TarArchiveEntry.LF_SYMLINK);
    up.setLinkName("../../etc/passwd");
    assertThatThrownBy(
            () -> BuildContext.check(tar(new Item(up, null)), BuildContext.Limits.DEFAULT))
        .hasMessageContaining("is a link to '../../etc/passwd', outside the context");
    TarArchiveEntry abs = new TarArchiveEntry("abs", TarArchiveEntry.LF_SYMLINK);
    abs.setLinkName("/etc/passwd");
    assertThatThrownBy(
            () -> BuildContext.check(tar(new Item(abs, null)), BuildContext.Limits.DEFAULT))
        .hasMessageContaining("outside the context");
    TarArchiveEntry hard = new TarArchiveEntry("hard", TarArchiveEntry.LF_LINK);
    hard.setLinkName("../secret");
    assertThatThrownBy(
            () -> BuildContext.check(tar(new Item(hard, null)), BuildContext.Limits.DEFAULT))
        .hasMessageContaining("outside the context");
  }

  @Test
  void extract_refusesWritingThroughAnInnerDirectoryLink() throws IOException {
    TarArchiveEntry link = new TarArchiveEntry("d", TarArchiveEntry.LF_SYMLINK);
    link.setLinkName(".");
    byte[] archive = tar(new Item(link, null), file("d/x", "y"));
    Path dest = Files.createDirectories(tmp.resolve("dest2"));
    assertThatThrownBy(() -> BuildContext.extract(archive, dest, BuildContext.Limits.DEFAULT))
        .hasMessageContaining("written through a link");
  }

  @Test
  void extract_chainOfRelativeLinksAndAHardLink_neverReadsAHostFile() throws IOException {
    Files.writeString(tmp.resolve("host-secret.txt"), "host secret");
    Path dest = Files.createDirectories(tmp.resolve("dest3"));
    // each link looks inside by its name; really a/b is dest and esc is dest/.. (tmp)
    byte[] archive =
        tar(
            dir("a/"),
            symlink("a/b", ".."),
            symlink("esc", "a/b/.."),
            hardlink("stolen.txt", "esc/host-secret.txt"));

    assertThatThrownBy(() -> BuildContext.extract(archive, dest, BuildContext.Limits.DEFAULT))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'stolen.txt' is a hard link to 'esc/host-secret.txt'");
    assertThat(dest.resolve("stolen.txt")).doesNotExist();
  }

  @Test
  void extract_chainOfRelativeLinksLeadingOutside_isRefusedAfterExtraction() throws IOException {
    Path dest = Files.createDirectories(tmp.resolve("dest4"));
    byte[] archive = tar(dir("a/"), symlink("a/b", ".."), symlink("esc", "a/b/.."));

    assertThatThrownBy(() -> BuildContext.extract(archive, dest, BuildContext.Limits.DEFAULT))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'esc' is a link to 'a/b/..', which resolves outside the context");
  }

  @Test
  void extract_danglingLinkThroughALinkLeadingOutside_isRefused() throws IOException {
    Path dest = Files.createDirectories(tmp.resolve("dest5"));
    byte[] archive =
        tar(
            dir("a/"),
            symlink("a/b", ".."),
            symlink("esc", "a/b/.."),
            symlink("later", "esc/not-there-yet"));

    assertThatThrownBy(() -> BuildContext.extract(archive, dest, BuildContext.Limits.DEFAULT))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("resolves outside the context");
  }

  @Test
  void extract_innerLinksAndHardLinksToMembers_areKept() throws IOException {
    Path dest = Files.createDirectories(tmp.resolve("dest6"));
    byte[] archive =
        tar(
            file("pkg/a.py", "print(1)"),
            symlink("pkg/up", ".."),
            symlink("todo", "pkg/not-yet.py"),
            hardlink("copy.py", "pkg/a.py"));

    BuildContext.extract(archive, dest, BuildContext.Limits.DEFAULT);

    assertThat(dest.resolve("copy.py")).hasContent("print(1)");
    assertThat(dest.resolve("pkg/up/pkg/a.py")).hasContent("print(1)");
    assertThat(Files.isSymbolicLink(dest.resolve("todo"))).isTrue();
  }

  @Test
  void check_hardLinkToAPathThatIsNoFileOfTheArchive_isRefused() {
    byte[] toNothing = tar(file("a.py", "x"), hardlink("h", "elsewhere/host.txt"));
    assertThatThrownBy(() -> BuildContext.check(toNothing, BuildContext.Limits.DEFAULT))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'h' is a hard link to 'elsewhere/host.txt', which is not a file");
    byte[] toLink = tar(symlink("l", "a.py"), file("a.py", "x"), hardlink("h", "l"));
    assertThatThrownBy(() -> BuildContext.check(toLink, BuildContext.Limits.DEFAULT))
        .hasMessageContaining("'h' is a hard link to 'l'");
    byte[] toDir = tar(dir("d/"), hardlink("h", "d"));
    assertThatThrownBy(() -> BuildContext.check(toDir, BuildContext.Limits.DEFAULT))
        .hasMessageContaining("'h' is a hard link to 'd'");
  }

  @Test
  void check_devicesAndFifos_areRefused() {
    for (byte type :
        new byte[] {TarArchiveEntry.LF_CHR, TarArchiveEntry.LF_BLK, TarArchiveEntry.LF_FIFO}) {
      TarArchiveEntry special = new TarArchiveEntry("special", type);
      assertThatThrownBy(
              () -> BuildContext.check(tar(new Item(special, null)), BuildContext.Limits.DEFAULT))
          .as("type %s", (char) type)
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("'special' is a device or FIFO");
    }
  }

  @Test
  void check_enforcesSizeAndCountLimits() {
    byte[] archive = tar(file("a", "0123456789"), file("b", "0123456789"));
    assertThatThrownBy(() -> BuildContext.check(archive, new BuildContext.Limits(1 << 20, 15, 10)))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("unpacks to more than");
    assertThatThrownBy(
            () -> BuildContext.check(archive, new BuildContext.Limits(1 << 20, 1 << 20, 1)))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("more than 1 entries");
    String big = Base64.getEncoder().encodeToString(new byte[4096]);
    assertThatThrownBy(() -> BuildContext.decode(big, new BuildContext.Limits(1024, 1 << 20, 10)))
        .isInstanceOf(PayloadTooLargeException.class)
        .hasMessageContaining("above the limit");
  }

  @Test
  void check_rejectsGarbage() {
    assertThatThrownBy(
            () ->
                BuildContext.check(
                    "not a tar".getBytes(StandardCharsets.UTF_8), BuildContext.Limits.DEFAULT))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("not a valid .tar.gz");
    assertThatThrownBy(() -> BuildContext.decode("%%%", BuildContext.Limits.DEFAULT))
        .hasMessageContaining("not valid base64");
  }

  private record Item(TarArchiveEntry entry, byte[] content) {}

  private static Item file(String name, String content) {
    byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry entry = new TarArchiveEntry(name, true);
    entry.setSize(bytes.length);
    return new Item(entry, bytes);
  }

  private static Item dir(String name) {
    return new Item(new TarArchiveEntry(name), null);
  }

  private static Item symlink(String name, String target) {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
    entry.setLinkName(target);
    return new Item(entry, null);
  }

  private static Item hardlink(String name, String target) {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_LINK);
    entry.setLinkName(target);
    return new Item(entry, null);
  }

  private static byte[] tar(Item... items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GzipCompressorOutputStream gz = new GzipCompressorOutputStream(out);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      for (Item item : items) {
        tar.putArchiveEntry(item.entry());
        if (item.content() != null) {
          tar.write(item.content());
        }
        tar.closeArchiveEntry();
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }
}
