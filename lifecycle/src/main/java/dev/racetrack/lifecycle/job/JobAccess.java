package dev.racetrack.lifecycle.job;

import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.maintenance.Maintenance;
import dev.racetrack.model.Job;

/**
 * The gate of every change to a deployed job (delete, redeploy, move, manifest edit): not in
 * maintenance mode, the job exists (aliases resolved), and the caller has the scope on it.
 */
public final class JobAccess {
  private final Maintenance maintenance;
  private final Jobs jobs;
  private final Authorizer authorizer;

  public JobAccess(Maintenance maintenance, Jobs jobs, Authorizer authorizer) {
    this.maintenance = maintenance;
    this.jobs = jobs;
    this.authorizer = authorizer;
  }

  /** The job {@code name} at {@code version}, once the change is allowed. */
  public Job forChange(Caller caller, String name, String version, AuthScope scope) {
    maintenance.ensureOff();
    Job job = jobs.get(name, version);
    authorizer.requireJobScope(caller, scope, job.name(), job.version());
    return job;
  }
}
