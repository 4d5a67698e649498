package dev.racetrack.pub.upstream;

import io.netty.handler.codec.http.HttpObject;

/** Who receives what a job's connection delivers while it serves one call. */
public interface UpstreamListener {
  /** A piece of the job's answer (its head, a piece of body, or the last piece). */
  void answer(HttpObject piece);

  /** The connection can take more (or no more) of the request body. */
  void writabilityChanged(boolean writable);

  /** The connection closed or failed before the answer was complete. */
  void failed(Throwable cause);
}
