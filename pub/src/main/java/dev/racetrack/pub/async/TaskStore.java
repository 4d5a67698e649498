package dev.racetrack.pub.async;

import dev.racetrack.model.AsyncJobCall;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where async tasks are kept so that every PUB sees them and they outlive a PUB (lifecycle's store,
 * {@link AsyncCallClient}). A task is run by the PUB holding its lease; methods never block.
 */
public interface TaskStore {

  /** Stores a new task owned by {@code task.ownerId()} for {@code lease}. */
  CompletableFuture<AsyncJobCall> create(AsyncJobCall task, Duration lease);

  CompletableFuture<Optional<AsyncJobCall>> find(String id);

  /**
   * Writes the owner's new state of an ongoing task and renews its lease; empty when the owner lost
   * the task (its lease expired and another PUB claimed it).
   */
  CompletableFuture<Optional<AsyncJobCall>> update(AsyncJobCall task, Duration lease);

  /** Renews the owner's lease; false when it does not own the task any more. */
  CompletableFuture<Boolean> renew(String id, String ownerId, Duration lease);

  /** Takes over up to {@code limit} ongoing tasks whose lease expired, counting an attempt. */
  CompletableFuture<List<AsyncJobCall>> claim(String ownerId, Duration lease, int limit);

  CompletableFuture<Boolean> delete(String id);
}
