package dev.racetrack.lifecycle.job;

import dev.racetrack.model.Job;
import java.util.Objects;
import java.util.Optional;

/**
 * A job with its purge score (§10.5) as computed in SQL at one instant, and the parts of the score
 * a reader explains it with.
 *
 * @param job the whole job, or only its list columns (no manifest, error or statistics) when read
 *     for sorting and filtering
 * @param purgeScore penalty points, rounded to 3 decimals
 * @param newerVersions how many newer versions of the same family exist
 * @param updatedDaysAgo days since the job was last deployed
 * @param lastCallDaysAgo days since the job was last called; empty if never
 */
public record ScoredJob(
    Job job,
    double purgeScore,
    int newerVersions,
    double updatedDaysAgo,
    Optional<Double> lastCallDaysAgo) {
  public ScoredJob {
    Objects.requireNonNull(job);
    Objects.requireNonNull(lastCallDaysAgo);
  }
}
