package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auth.AuthSubjectRepository;
import dev.racetrack.lifecycle.auth.SubjectType;
import dev.racetrack.lifecycle.auth.TokenIssuer;
import dev.racetrack.lifecycle.job.JobRepository;
import org.jdbi.v3.core.Jdbi;

/** The token a job family's jobs call other jobs with (made at the family's first deployment). */
public final class FamilyTokens {
  private final Jdbi jdbi;
  private final JobRepository jobs;
  private final AuthSubjectRepository subjects;
  private final TokenIssuer issuer;

  public FamilyTokens(
      Jdbi jdbi, JobRepository jobs, AuthSubjectRepository subjects, TokenIssuer issuer) {
    this.jdbi = jdbi;
    this.jobs = jobs;
    this.subjects = subjects;
    this.issuer = issuer;
  }

  /** The family's token: its subject and token are created when they do not exist yet. */
  String of(String family) {
    return jdbi.inTransaction(
        h ->
            issuer.firstOrIssue(
                h,
                subjects.forFamily(h, jobs.familyId(h, family)),
                SubjectType.JOB_FAMILY,
                family));
  }
}
