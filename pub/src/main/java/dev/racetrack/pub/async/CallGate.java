package dev.racetrack.pub.async;

import dev.racetrack.pub.exchange.PubAnswer;
import dev.racetrack.pub.exchange.PubRequest;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What async calls need from the rest of PUB: the decision a synchronous call would get, and a
 * job's current address. Implementations never block the calling thread.
 */
public interface CallGate {

  /**
   * Decides whether {@code request}'s caller may call {@code path} of job {@code name} at {@code
   * version} (an exact version or an alias such as {@code latest}), exactly as for a synchronous
   * call: its token (header or cookie), permissions, public endpoints, maintenance mode.
   *
   * @return an {@link Admission}, or a {@link Rejection} holding the answer a synchronous call
   *     would get (401, 403, 404, 503...)
   */
  CompletableFuture<Verdict> admit(String name, String version, String path, PubRequest request);

  /**
   * The current internal address ({@code host:port}) of job {@code name} at exact {@code version},
   * without a caller (PUB asks lifecycle with its internal token); empty when the job is gone or
   * has no address.
   */
  CompletableFuture<Optional<String>> locate(String name, String version);

  /** The outcome of {@link #admit}. */
  sealed interface Verdict permits Admission, Rejection {}

  /**
   * The caller may call the job.
   *
   * @param jobVersion the resolved version (never an alias)
   * @param address the job's internal address, {@code host:port}
   * @param caller the caller's name to pass to the job ({@code X-Caller-Name}), if any
   */
  record Admission(String jobName, String jobVersion, String address, Optional<String> caller)
      implements Verdict {
    public Admission {
      Objects.requireNonNull(jobName, "jobName");
      Objects.requireNonNull(jobVersion, "jobVersion");
      Objects.requireNonNull(address, "address");
      Objects.requireNonNull(caller, "caller");
    }
  }

  /** The caller may not call the job: {@code answer} says why. */
  record Rejection(PubAnswer answer) implements Verdict {
    public Rejection {
      Objects.requireNonNull(answer, "answer");
    }
  }
}
