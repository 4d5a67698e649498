package dev.racetrack.spi;

import java.util.function.Consumer;

/**
 * Receives the progress of a build: phase changes, warnings, build log lines and keep-alives. The
 * one progress type of the deploy path: job types report through it inside the image builder, and
 * lifecycle receives the builder's stream through it too.
 */
public interface BuildProgress {

  /** A new phase started, e.g. {@code building image (1/1)}. */
  void phase(String phase);

  /** Something the deployer should know, not fatal. */
  void warning(String warning);

  /** One line of build output (compiler, pip, ...). */
  void log(String line);

  /** The build is still running (a keep-alive while nothing else happens); ignored by default. */
  default void alive() {}

  /** A progress that drops everything (for tests and tools). */
  static BuildProgress discard() {
    return logTo(line -> {});
  }

  /** A progress that hands the build log's lines to {@code log} and drops the rest. */
  static BuildProgress logTo(Consumer<String> log) {
    return new BuildProgress() {
      @Override
      public void phase(String phase) {}

      @Override
      public void warning(String warning) {}

      @Override
      public void log(String line) {
        log.accept(line);
      }
    };
  }
}
