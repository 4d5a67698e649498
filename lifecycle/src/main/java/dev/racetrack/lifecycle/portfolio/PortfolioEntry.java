package dev.racetrack.lifecycle.portfolio;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.racetrack.model.Job;
import org.jspecify.annotations.Nullable;

/**
 * A job in the portfolio (§10.4): the job plus how good a candidate for removal it is.
 *
 * @param purgeScore penalty points; higher means a better candidate for removal
 * @param purgeReasons the reasons, one per line
 */
public record PortfolioEntry(
    @JsonUnwrapped Job job,
    double purgeScore,
    String purgeReasons,
    int purgeNewerVersions,
    @Nullable Double updateTimeDaysAgo,
    @Nullable Double lastCallTimeDaysAgo) {}
