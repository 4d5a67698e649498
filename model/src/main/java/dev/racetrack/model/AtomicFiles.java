package dev.racetrack.model;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Files replaced whole or not at all, surviving a crash: the content goes to a temporary file
 * (owner only) next to the target, is flushed to disk, and is renamed over the target; then the
 * directory is flushed so the rename itself is durable. A failed write leaves the old file as it
 * was and no temporary file behind.
 */
public final class AtomicFiles {

  /** Writes the content of a file to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /** Replaces {@code file} with {@code content} (UTF-8). */
  public static void write(Path file, String content) {
    write(file, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
  }

  /** Replaces {@code file} with what {@code content} writes. */
  public static void write(Path file, Content content) {
    try {
      Path tmp = writeTemporary(file, content);
      try {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } finally {
        Files.deleteIfExists(tmp);
      }
      syncDirectory(file.toAbsolutePath().getParent());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Creates {@code file} with {@code content} (UTF-8) unless it exists already, as one step: of two
   * processes creating it at once, one wins and the other is told. Returns whether this call
   * created it.
   */
  public static boolean create(Path file, String content) {
    try {
      Path tmp = writeTemporary(file, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
      try {
        Files.createLink(file, tmp); // link(2) fails when the name exists: no check-then-act
      } catch (FileAlreadyExistsException e) {
        return false;
      } finally {
        Files.deleteIfExists(tmp);
      }
      syncDirectory(file.toAbsolutePath().getParent());
      return true;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
    }
  }

  private static Path writeTemporary(Path file, Content content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    // createTempFile makes the file readable and writable by its owner only (POSIX).
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
      OutputStream out = Channels.newOutputStream(channel);
      content.writeTo(out);
      out.flush();
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }

  /** Flushes a directory's entries (a rename) to disk, where the platform allows it. */
  private static void syncDirectory(Path dir) throws IOException {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      if (!System.getProperty("os.name", "").startsWith("Windows")) {
        throw e;
      }
    }
  }
}
