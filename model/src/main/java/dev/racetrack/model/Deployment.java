package dev.racetrack.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/** One deployment attempt ({@code DeploymentDto} of §3.3). Timestamps are Unix seconds. */
public record Deployment(
    String id,
    DeploymentStatus status,
    long createTime,
    long updateTime,
    @Nullable String error,
    @Nullable Job job,
    @Nullable String deployedBy,
    @Nullable String phase,
    @Nullable String imageName,
    @Nullable String infrastructureTarget,
    @Nullable String manifestYaml,
    String jobName,
    String jobVersion,
    @Nullable String warnings) {

  /** Seconds between creation and the last update ({@code duration} in JSON). */
  @JsonProperty("duration")
  public long durationSeconds() {

    return Math.max(0, updateTime - createTime);
  }
}
