package dev.racetrack.pub;

import java.io.EOFException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/** How a call to a job failed, classified as in §5.3. */
final class ProxyFailures {
  private ProxyFailures() {}

  private static Throwable rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  /** What a 504 says: which job did not start answering within which call timeout. */
  static String timeout(CallPermit permit, java.time.Duration timeout) {
    return "job "
        + permit.jobName()
        + " "
        + permit.jobVersion()
        + " did not answer within its call_timeout of "
        + JobRequests.describe(timeout);
  }

  /** PUB's answer to a call that failed before the job's answer began: 504 or 502. */
  static io.netty.handler.codec.http.FullHttpResponse answer(
      PubMetrics.ProxyFailure kind, Throwable cause, CallPermit permit, String tracingId) {
    int status = kind == PubMetrics.ProxyFailure.TIMEOUT ? 504 : 502;
    return Answers.proxyError(status, "Reverse proxy error: " + cause(cause), permit, tracingId);
  }

  /** The kind of a failed call to a job. */
  static PubMetrics.ProxyFailure failure(Throwable failure) {
    Throwable root = rootCause(failure);
    if (root instanceof ConnectException) {
      return PubMetrics.ProxyFailure.CONNECTION_REFUSED;
    }
    if (root instanceof EOFException
        || failure instanceof EOFException
        || root instanceof ClosedChannelException) {
      return PubMetrics.ProxyFailure.CONNECTION_BROKEN;
    }
    if (failure instanceof TimeoutException
        || root instanceof TimeoutException
        || root instanceof SocketTimeoutException
        || root instanceof InterruptedIOException) {
      return PubMetrics.ProxyFailure.TIMEOUT;
    }
    return PubMetrics.ProxyFailure.OTHER;
  }

  /** The failure as the error message names it. */
  static String cause(Throwable failure) {
    return switch (failure(failure)) {
      case CONNECTION_REFUSED -> "connection refused to a target job (job may be dead)";
      case CONNECTION_BROKEN -> "connection broken to a target job (job may have died)";
      case TIMEOUT -> "request to a job timed out";
      case CANCELED, OTHER -> {
        Throwable root = rootCause(failure);
        String message = root.getMessage();
        yield message == null ? root.getClass().getSimpleName() : message;
      }
    };
  }
}
