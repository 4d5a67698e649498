package dev.racetrack.imagebuilder;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.format.DateTimeFormatter;

/**
 * The log of one build: written line by line to {@code build-logs/<deployment id>.log} and kept in
 * memory (bounded) for the deployment row.
 */
final class BuildLog implements AutoCloseable {
  private static final int MAX_IN_MEMORY = 4 << 20;

  private final BufferedWriter file;
  private final StringBuilder text = new StringBuilder();
  private final Clock clock;
  private boolean truncated;

  BuildLog(Path path, Clock clock) {
    this.clock = clock;
    try {
      Files.createDirectories(path.getParent());
      this.file = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write build log " + path + ": " + e.getMessage(), e);
    }
  }

  synchronized void line(String line) {
    String stamped = DateTimeFormatter.ISO_INSTANT.format(clock.instant()) + " " + line;
    try {
      file.write(stamped);
      file.newLine();
      file.flush();
    } catch (IOException e) {
      // keep building; the in-memory copy still has the line
    }
    if (text.length() + stamped.length() < MAX_IN_MEMORY) {
      text.append(stamped).append('\n');
    } else if (!truncated) {
      truncated = true;
      text.append(
          "... (log truncated here; the full log is in the image builder's build-logs directory)\n");
    }
  }

  synchronized String text() {
    return text.toString();
  }

  @Override
  public synchronized void close() {
    try {
      file.close();
    } catch (IOException e) {
      // nothing useful to do
    }
  }
}
