package dev.racetrack.local;

import java.io.Closeable;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** Follows a log file like {@code tail -f}, surviving copy-and-truncate rotation. */
final class LogFollower implements Closeable {
  private static final Duration POLL = Duration.ofMillis(200);

  private final Thread thread;
  private volatile boolean closed;

  LogFollower(LogFile log, int tail, Consumer<String> onLine) {
    this.thread =
        Thread.ofVirtual()
            .name("log-follow-" + log.path().getFileName())
            .start(() -> run(log, tail, onLine));
  }

  private void run(LogFile log, int tail, Consumer<String> onLine) {
    log.lastLines(Math.max(tail, 0)).forEach(onLine);
    Path file = log.path();
    long offset = size(file);
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
