package dev.racetrack.lifecycle.job;

import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.model.Job;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Listing the jobs a caller may read, streamed with their purge score: what the job list, the
 * portfolio and their paged forms read from.
 */
public final class JobListing {
  private final JobScoreRepository scores;
  private final JobJsonRepository json;
  private final Authorizer authorizer;

  public JobListing(JobScoreRepository scores, JobJsonRepository json, Authorizer authorizer) {
    this.scores = scores;
    this.json = json;
    this.authorizer = authorizer;
  }

  /**
   * Checks that the caller may list jobs at all, and tells whose permissions restrict the list
   * (empty: it reads everything).
   */
  public Optional<String> reader(Caller caller) {
    authorizer.requireScopeAnywhere(caller, AuthScope.READ_JOB);
    return authorizer.readsEverything(caller)
        ? Optional.empty()
        : Optional.of(caller.authSubjectId().orElseThrow());
  }

  /**
   * Streams the jobs the caller may read, scored at {@code now}.
   *
   * @param whole every column, or only the list columns (for sorting and filtering)
   */
  public void forEach(
      Caller caller,
      boolean whole,
      JobScoreRepository.Order order,
      long now,
      Consumer<ScoredJob> each) {
    scores.forEach(
        new JobScoreRepository.Scan(reader(caller), now, whole, order, Optional.empty()), each);
  }

  /**
   * Streams the jobs the caller may read as JSON built by PostgreSQL (with their list columns and
   * score at {@code now}): what the unpaged answers write.
   */
  public void forEachJson(
      Caller caller,
      JobScoreRepository.Order order,
      long now,
      Consumer<JobJsonRepository.Row> each) {
    json.forEach(reader(caller), now, order, each);
  }

  /**
   * Streams the id, name, version and status (nothing else is set) of the caller's jobs of one
   * family or all, family by family.
   */
  public void forEachByFamily(Caller caller, Optional<String> family, Consumer<Job> each) {
    scores.forEachByFamily(reader(caller), family, each);
  }

  /** A page cut by PostgreSQL (see {@link JobScoreRepository#page}); empty: filter in Java. */
  public Optional<JobScoreRepository.PageRows> page(JobScoreRepository.PageQuery query) {
    return scores.page(query);
  }

  /** Whole rows of jobs found by a listing of the same caller, scored at {@code now}. */
  public List<ScoredJob> whole(List<String> ids, long now) {
    return scores.byIds(ids, now);
  }
}
