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

  /**
   * A deployment started, moved to another phase or ended (our addition: the dashboard shows phases
   * live; clients of the original ignore an event they do not know).
   */
  record DeploymentsChanged() implements PlatformEvent {
    @Override
    public String name() {
      return "deployments_changed";
    }
  }
}
