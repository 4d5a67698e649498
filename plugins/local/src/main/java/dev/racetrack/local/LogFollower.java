package dev.racetrack.local;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** Follows a log file like {@code tail -f}, surviving copy-and-truncate rotation. */
final class LogFollower implements Closeable {
  private static final Duration POLL = Duration.ofMillis(200);

  private final Thread thread;
  private volatile boolean closed;

  /**
   * Follows from the log's end as it is now: the position is taken before this returns (not when
   * the follow thread first runs), so no line written after this call is missed.
   */
  LogFollower(LogFile log, int tail, Consumer<String> onLine) {
    Path file = log.path();
    long start = size(file);
    this.thread =
        Thread.ofVirtual()
            .name("log-follow-" + file.getFileName())
            .start(() -> run(file, start, Math.max(tail, 0), onLine));
  }

  private void run(Path file, long start, int tail, Consumer<String> onLine) {
    lastLinesBefore(file, start, tail).forEach(onLine);
    long offset = start;
    StringBuilder partial = new StringBuilder();
    while (!closed) {
      long size = size(file);
      if (size < offset) {
        offset = 0; // rotated: the file was truncated
      }
      if (size > offset) {
        offset = readFrom(file, offset, size, partial, onLine);
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** The last {@code count} lines of the file's first {@code end} bytes. */
  private static List<String> lastLinesBefore(Path file, long end, int count) {
    if (count == 0 || end == 0) {
      return List.of();
    }
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      byte[] bytes = new byte[(int) Math.min(end, Integer.MAX_VALUE - 8)];
      raf.seek(end - bytes.length);
      raf.readFully(bytes);
      List<String> lines =
          new ArrayList<>(List.of(new String(bytes, StandardCharsets.UTF_8).split("\n", -1)));
      if (lines.getLast().isEmpty()) {
        lines.removeLast(); // the file ends with a newline
      }
      return List.copyOf(lines.subList(Math.max(0, lines.size() - count), lines.size()));
    } catch (IOException e) {
      return List.of();
    }
  }

  private static long readFrom(
      Path file, long offset, long size, StringBuilder partial, Consumer<String> onLine) {
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      raf.seek(offset);
      byte[] bytes = new byte[(int) Math.min(size - offset, 1 << 20)];
      raf.readFully(bytes);
      partial.append(new String(bytes, StandardCharsets.UTF_8));
      int newline;
      while ((newline = partial.indexOf("\n")) >= 0) {
        onLine.accept(partial.substring(0, newline));
        partial.delete(0, newline + 1);
      }
      return offset + bytes.length;
    } catch (IOException e) {
      return offset;
    }
  }

  private static long size(Path file) {
    try {
      return Files.exists(file) ? Files.size(file) : 0;
    } catch (IOException e) {
      return 0;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.interrupt();
  }
}
