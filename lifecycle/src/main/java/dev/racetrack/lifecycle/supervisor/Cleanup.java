package dev.racetrack.lifecycle.supervisor;

import dev.racetrack.lifecycle.asynccall.AsyncCallRepository;
import dev.racetrack.model.FileTrees;
import dev.racetrack.model.Job;
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
import java.util.stream.Stream;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hourly clean-up: async job call records past their lifetime, and built artifacts nothing
 * refers to any more (of deleted jobs, or superseded builds) once they are an hour old.
 */
public final class Cleanup {
  private static final Logger LOG = LoggerFactory.getLogger(Cleanup.class);
  private static final Duration GRACE = Duration.ofHours(1);

  private final Jdbi jdbi;
  private final AsyncCallRepository asyncCalls;
  private final Duration asyncCallLifetime;
  private final Path artifacts;
  private final Clock clock;

  /**
   * @param asyncCallLifetime how long an async call record is kept after it started ({@code
   *     ASYNC_JOB_CALL_LIFETIME_MINUTES})
   */
  public Cleanup(
      Jdbi jdbi,
      AsyncCallRepository asyncCalls,
      Duration asyncCallLifetime,
      Path artifacts,
      Clock clock) {
    this.jdbi = jdbi;
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
    if (!Files.isDirectory(artifacts)) {
      return 0;
    }
    Set<Path> inUse = new HashSet<>();
    jdbi.useHandle(
        h ->
            h.createQuery(
                    """
                    SELECT DISTINCT ON (job_name, job_version) image_name FROM registry_deployment
                    WHERE image_name IS NOT NULL AND status = 'done'
                    ORDER BY job_name, job_version, update_time DESC
                    """)
                .mapTo(String.class)
                .forEach(image -> inUse.add(Path.of(image).toAbsolutePath().normalize())));
    Set<String> live = new HashSet<>();
    jobs.forEach(j -> live.add(j.name() + "/" + j.version()));
    Instant limit = clock.instant().minus(GRACE);
    int removed = 0;
    try (Stream<Path> builds = Files.walk(artifacts, 3)) {
      for (Path build : builds.filter(p -> artifacts.relativize(p).getNameCount() == 3).toList()) {
        if (inUse.contains(build.toAbsolutePath().normalize())
            && live.contains(artifacts.relativize(build).subpath(0, 2).toString())) {
          continue;
        }
        if (Files.getLastModifiedTime(build).toInstant().isBefore(limit)) {
          FileTrees.delete(build);
          removed++;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (removed > 0) {
      LOG.info("removed {} unused artifact(s)", removed);
    }
    return removed;
  }
}
