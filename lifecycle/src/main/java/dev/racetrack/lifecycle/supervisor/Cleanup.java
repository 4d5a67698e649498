package dev.racetrack.lifecycle.supervisor;

import dev.racetrack.lifecycle.asynccall.AsyncCallRepository;
import dev.racetrack.lifecycle.deployment.DeploymentRepository;
import dev.racetrack.model.FileTrees;
import dev.racetrack.model.Job;
import dev.racetrack.spi.ArtifactStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hourly clean-up: async job call records past their lifetime, and built artifacts nothing
 * refers to any more (of deleted jobs, or superseded builds) once they are an hour old.
 */
public final class Cleanup {
  private static final Logger LOG = LoggerFactory.getLogger(Cleanup.class);
  private static final Duration GRACE = Duration.ofHours(1);

  private final DeploymentRepository deployments;
  private final AsyncCallRepository asyncCalls;
  private final Duration asyncCallLifetime;
  private final ArtifactStore artifacts;
  private final Clock clock;

  /**
   * @param asyncCallLifetime how long an async call record is kept after it started ({@code
   *     ASYNC_JOB_CALL_LIFETIME_MINUTES})
   */
  public Cleanup(
      DeploymentRepository deployments,
      AsyncCallRepository asyncCalls,
      Duration asyncCallLifetime,
      ArtifactStore artifacts,
      Clock clock) {
    this.deployments = deployments;
    this.asyncCalls = asyncCalls;
    this.asyncCallLifetime = asyncCallLifetime;
    this.artifacts = artifacts;
    this.clock = clock;
  }

  /** Runs the clean-up; returns how many artifacts were removed. */
  public int run(List<Job> jobs) {
    int calls = asyncCalls.deleteStartedBefore(asyncCallLifetime);
    if (calls > 0) {
      LOG.info("removed {} expired async job call record(s)", calls);
    }
    return removeUnusedArtifacts(jobs);
  }

  private int removeUnusedArtifacts(List<Job> jobs) {
    Set<Path> inUse = new HashSet<>();
    deployments
        .latestDoneImages()
        .forEach(image -> inUse.add(Path.of(image).toAbsolutePath().normalize()));
    Set<String> live = new HashSet<>();
    jobs.forEach(j -> live.add(j.name() + "/" + j.version()));
    Instant limit = clock.instant().minus(GRACE);
    int removed = 0;
    for (ArtifactStore.Stored build : artifacts.list()) {
      if (inUse.contains(build.dir().toAbsolutePath().normalize())
          && live.contains(build.jobName() + "/" + build.jobVersion())) {
        continue;
      }
      try {
        if (Files.getLastModifiedTime(build.dir()).toInstant().isBefore(limit)) {
          FileTrees.delete(build.dir());
          removed++;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    if (removed > 0) {
      LOG.info("removed {} unused artifact(s)", removed);
    }
    return removed;
  }
}
