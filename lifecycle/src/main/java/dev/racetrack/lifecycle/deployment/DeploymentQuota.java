package dev.racetrack.lifecycle.deployment;

import static java.util.Objects.requireNonNull;

import dev.racetrack.model.error.TooManyRequestsException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The most deployments one user may have in progress at once ({@code MAX_DEPLOYMENTS_PER_USER}),
 * whichever way they start: deploy, redeploy, reprovision, move or a manifest edit.
 */
public final class DeploymentQuota {
  private final DeploymentRepository rows;
  private final int maxActivePerUser;
  private final Map<String, ReentrantLock> userLocks = new ConcurrentHashMap<>();

  public DeploymentQuota(DeploymentRepository rows, int maxActivePerUser) {
    this.rows = requireNonNull(rows, "rows");
    if (maxActivePerUser < 1) {
      throw new IllegalArgumentException("MAX_DEPLOYMENTS_PER_USER must be at least 1");
    }
    this.maxActivePerUser = maxActivePerUser;
  }

  /** Refuses with 429 when {@code username} already has the most deployments in progress. */
  public void ensureRoom(String username) {
    if (rows.countActiveBy(username) >= maxActivePerUser) {
      throw new TooManyRequestsException(
          "too many deployments in progress for "
              + username
              + " (limit MAX_DEPLOYMENTS_PER_USER="
              + maxActivePerUser
              + "); wait until one finishes");
    }
  }

  /**
   * Checks the quota and runs {@code create} under one lock per user, so parallel requests of one
   * user cannot all pass the check before any of them is recorded.
   */
  public <T> T admit(String username, Supplier<T> create) {
    ReentrantLock lock = userLocks.computeIfAbsent(username, k -> new ReentrantLock());
    lock.lock();
    try {
      ensureRoom(username);
      return create.get();
    } finally {
      lock.unlock();
    }
  }
}
