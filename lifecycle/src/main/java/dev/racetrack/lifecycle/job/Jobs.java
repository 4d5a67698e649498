package dev.racetrack.lifecycle.job;

import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.version.VersionAlias;
import java.util.List;

/** Reading jobs: permitted listings and version alias resolution (§3.5, §12.3). */
public final class Jobs {
  private final JobRepository jobs;
  private final Authorizer authorizer;

  public Jobs(JobRepository jobs, Authorizer authorizer) {
    this.jobs = jobs;
    this.authorizer = authorizer;
  }

  /** The jobs a caller may read. */
  public List<Job> list(Caller caller) {
    authorizer.requireScopeAnywhere(caller, AuthScope.READ_JOB);
    if (authorizer.readsEverything(caller)) {
      return jobs.list();
    }
    return jobs.listReadableBy(caller.authSubjectId().orElseThrow());
  }

  /** Resolves {@code latest}/{@code 1.x} to a concrete version of a family. */
  public String resolveVersion(String name, String version) {
    return VersionAlias.resolve(name, version, jobs.aliasCandidates(name));
  }

  /** Like {@link #resolveVersion} but "" when no version matches (the job does not exist). */
  public String resolveVersionOrEmpty(String name, String version) {
    try {
      return resolveVersion(name, version);
    } catch (NotFoundException e) {
      return "";
    }
  }

  /**
   * The job {@code name} at {@code version} (an alias or exact).
   *
   * @throws NotFoundException when there is none
   */
  public Job get(String name, String version) {
    String resolved = resolveVersion(name, version);
    return jobs.find(name, resolved)
        .orElseThrow(() -> new NotFoundException("Job was not found: " + name + " " + resolved));
  }

  /** A job the caller may read. */
  public Job read(Caller caller, String name, String version) {
    Job job = get(name, version);
    authorizer.requireJobScope(caller, AuthScope.READ_JOB, job.name(), job.version());
    return job;
  }
}
