package dev.racetrack.model;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A deployed job version as the API shows it ({@code JobDto} of §3.5). Timestamps are Unix seconds.
 */
public record Job(
    String id,
    String name,
    String version,
    JobStatus status,
    long createTime,
    long updateTime,
    @Nullable Map<String, Object> manifest,
    @Nullable String manifestYaml,
    @Nullable String internalName,
    @Nullable String pubUrl,
    @Nullable String error,
    @Nullable String notice,
    @Nullable String imageTag,
    @Nullable String deployedBy,
    @Nullable Long lastCallTime,
    @Nullable String infrastructureTarget,
    List<String> replicaInternalNames,
    @Nullable String jobTypeVersion,
    Map<String, Object> infrastructureStats) {

  public Job {
    replicaInternalNames =
        replicaInternalNames == null ? List.of() : List.copyOf(replicaInternalNames);
    infrastructureStats = infrastructureStats == null ? Map.of() : Map.copyOf(infrastructureStats);
  }

  /** The same job with its public URL set. */
  public Job withPubUrl(String url) {
    return new Job(
        id,
        name,
        version,
        status,
        createTime,
        updateTime,
        manifest,
        manifestYaml,
        internalName,
        url,
        error,
        notice,
        imageTag,
        deployedBy,
        lastCallTime,
        infrastructureTarget,
        replicaInternalNames,
        jobTypeVersion,
        infrastructureStats);
  }
}
