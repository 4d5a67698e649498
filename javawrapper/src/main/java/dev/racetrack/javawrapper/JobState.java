package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

/** Where the wrapper is with loading the entrypoint. */
sealed interface JobState {

  /** The entrypoint is being loaded in the background: alive, not ready. */
  record Loading() implements JobState {}

  /** The entrypoint is loaded and its perform can be called. */
  record Ready(Entrypoint entrypoint, ArgumentBinder binder) implements JobState {
    public Ready {
      requireNonNull(entrypoint, "entrypoint");
      requireNonNull(binder, "binder");
    }

    Ready(Entrypoint entrypoint) {
      this(entrypoint, new ArgumentBinder(entrypoint.parameters()));
    }
  }

  /** Loading the entrypoint failed: not alive. */
  record Failed(String error) implements JobState {
    public Failed {
      requireNonNull(error, "error");
    }
  }
}
