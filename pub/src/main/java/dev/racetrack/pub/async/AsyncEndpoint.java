package dev.racetrack.pub.async;

import dev.racetrack.pub.exchange.PubAnswer;
import dev.racetrack.pub.exchange.PubRequest;
import java.util.concurrent.CompletableFuture;

/**
 * PUB's async job calls (reference §14): the front hands every request under {@code /pub/async/} to
 * {@link #handle}, and a synchronous call that outlives its job's timeout, when the caller sent
 * {@code Prefer: respond-async}, to {@link #adopt}. Implementations never block the calling thread
 * (the front calls them on an event loop): work that blocks runs elsewhere and completes the
 * future.
 */
public interface AsyncEndpoint {

  /** Answers a start, poll or status request under {@code /pub/async/}. */
  CompletableFuture<PubAnswer> handle(PubRequest request);

  /**
   * Turns an authorised synchronous call still in flight into an async task: the job is not called
   * again; {@code answer} completes with the job's answer (or exceptionally when the call fails).
   *
   * @param jobVersion the resolved version (never {@code latest})
   * @param jobPath the path after {@code /pub/job/NAME/VERSION}
   * @return the 202 answer naming the task and its poll URL
   */
  CompletableFuture<PubAnswer> adopt(
      String jobName,
      String jobVersion,
      String jobPath,
      PubRequest request,
      CompletableFuture<PubAnswer> answer);

  /** No async calls: every request under {@code /pub/async/} gets 404, nothing is adopted. */
  AsyncEndpoint NONE =
      new AsyncEndpoint() {
        @Override
        public CompletableFuture<PubAnswer> handle(PubRequest request) {
          return CompletableFuture.completedFuture(
              PubAnswer.error(404, "async job calls are not enabled on this PUB", "NotFound"));
        }

        @Override
        public CompletableFuture<PubAnswer> adopt(
            String jobName,
            String jobVersion,
            String jobPath,
            PubRequest request,
            CompletableFuture<PubAnswer> answer) {
          return CompletableFuture.failedFuture(
              new UnsupportedOperationException("async job calls are not enabled on this PUB"));
        }
      };
}
