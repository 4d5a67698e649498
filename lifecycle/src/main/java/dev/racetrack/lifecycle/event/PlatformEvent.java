package dev.racetrack.lifecycle.event;

/** Something that changed on the platform, for live views (the event stream, a dashboard). */
public sealed interface PlatformEvent {

  /** The wire name, as the original's event stream sends it ({@code {"event": NAME}}). */
  String name();

  /** The list of jobs, or a job's status, version or fields, changed. */
  record JobModelsChanged() implements PlatformEvent {
    @Override
    public String name() {
      return "job_models_changed";
    }
  }
}
