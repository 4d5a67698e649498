package dev.racetrack.local;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * A job's output file. The job appends to it directly (so it keeps logging while the platform is
 * down); the platform rotates it by copy-and-truncate, keeping a few numbered backups.
 */
public final class LogFile {
  private final Path file;
  private final long maxBytes;
  private final int backups;

  public LogFile(Path file, long maxBytes, int backups) {
    this.file = file;
    this.maxBytes = maxBytes;
    this.backups = backups;
  }

  public Path path() {
    return file;
  }

  /** Rotates when the file is above its size limit. */
  public void rotateIfNeeded() {
    try {
      if (!Files.exists(file) || Files.size(file) <= maxBytes) {
        return;
      }
      for (int i = backups - 1; i >= 1; i--) {
        Path older = backup(i);
        if (Files.exists(older)) {
          Files.move(older, backup(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.copy(file, backup(1), StandardCopyOption.REPLACE_EXISTING);
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.setLength(0); // the job writes with O_APPEND, so it continues at the new end
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot rotate " + file + ": " + e.getMessage(), e);
    }
  }

  private Path backup(int index) {
    return file.resolveSibling(file.getFileName() + "." + index);
  }

  /** The last {@code tail} lines across the current file and its newest backup (all if 0). */
  public String tail(int tail) {
    List<String> lines = new ArrayList<>();
    try {
      Path previous = backup(1);
      if (Files.exists(previous)) {
        lines.addAll(readLinesLenient(previous));
      }
      if (Files.exists(file)) {
        lines.addAll(readLinesLenient(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (tail > 0 && lines.size() > tail) {
      lines = lines.subList(lines.size() - tail, lines.size());
    }
    return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
  }

  /** The last {@code count} lines of the current file only. */
  public List<String> lastLines(int count) {
    Deque<String> last = new ArrayDeque<>();
    try {
      if (Files.exists(file)) {
        for (String line : readLinesLenient(file)) {
          last.addLast(line);
          if (last.size() > count) {
            last.removeFirst();
          }
        }
      }
    } catch (IOException e) {
      return List.of();
    }
    return List.copyOf(last);
  }

  /** Lines of a file that may end without a newline (decoding errors replaced, not fatal). */
  private static List<String> readLinesLenient(Path path) throws IOException {
    List<String> lines =
        new ArrayList<>(
            List.of(new String(Files.readAllBytes(path), StandardCharsets.UTF_8).split("\n", -1)));
    if (!lines.isEmpty() && lines.getLast().isEmpty()) {
      lines.removeLast();
    }
    return lines;
  }
}
