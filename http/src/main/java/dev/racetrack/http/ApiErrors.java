package dev.racetrack.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.racetrack.model.ErrorBody;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.model.error.UnavailableException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.EndPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps exceptions to HTTP statuses and the JSON error body: the one place this happens. */
final class ApiErrors {
  private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

  /** Most bytes of a refused body read and dropped before answering 413. */
  static final long DROP_AT_MOST = 256L << 20;

  /** Longest wait for more of a refused body before answering without it. */
  static final Duration DROP_IDLE = Duration.ofSeconds(1);

  private ApiErrors() {}

  static void install(RoutesConfig routes, long maxRequestBytes) {
    routes.exception(RacetrackException.class, ApiErrors::racetrack);
    routes.exception(HttpResponseException.class, (e, ctx) -> framework(e, ctx, maxRequestBytes));
    routes.exception(JsonProcessingException.class, ApiErrors::badJson);
    routes.exception(Exception.class, ApiErrors::unexpected);
    routes.error(
        404, ctx -> fillEmpty(ctx, "Not found: " + ctx.method() + " " + ctx.path(), "NotFound"));
    routes.error(
        405,
        ctx ->
            fillEmpty(
                ctx, "Method not allowed: " + ctx.method() + " " + ctx.path(), "MethodNotAllowed"));
  }

  private static void racetrack(RacetrackException e, Context ctx) {
    if (e instanceof UnavailableException && e.getCause() == null) {
      // a refusal by design (maintenance mode, a stop under way): the reason, not a stack trace
      LOG.warn(
          "{} {} refused with 503 [trace {}]: {}",
          ctx.method(),
          ctx.path(),
          Tracing.id(ctx),
          e.getMessage());
    } else if (e.httpStatus() >= 500) {
      LOG.error("{} {} failed [trace {}]", ctx.method(), ctx.path(), Tracing.id(ctx), e);
    }
    if (e.httpStatus() == 413) {
      dropRestOfBody(ctx);
    }
    ctx.status(e.httpStatus()).json(new ErrorBody(e.getMessage(), e.type()));
  }

  private static void framework(HttpResponseException e, Context ctx, long maxRequestBytes) {
    if (e.getStatus() == 413) {
      dropRestOfBody(ctx);
      ctx.status(413)
          .json(
              new ErrorBody(
                  "request body is above the limit of " + size(maxRequestBytes),
                  "PayloadTooLargeException"));
      return;
    }
    ctx.status(e.getStatus()).json(new ErrorBody(e.getMessage(), e.getClass().getSimpleName()));
  }

  /**
   * A body limit as an admin configures it: whole MiB or KiB when it is one ({@code 256 KiB}, not
   * {@code 0.3 MiB}), bytes otherwise.
   */
  static String size(long bytes) {
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + " bytes";
  }

  private static void badJson(JsonProcessingException e, Context ctx) {
    ctx.status(400)
        .json(
            new ErrorBody("malformed JSON body: " + e.getOriginalMessage(), "ValidationException"));
  }

  private static void unexpected(Exception e, Context ctx) {
    LOG.error("{} {} failed [trace {}]", ctx.method(), ctx.path(), Tracing.id(ctx), e);
    ctx.status(500)
        .json(
            new ErrorBody(
                "internal error, see the server log for tracing id " + Tracing.id(ctx),
                e.getClass().getSimpleName()));
  }

  /**
   * Reads and drops what is left of a refused body, so the client, still sending, gets to read the
   * 413 instead of a connection reset mid-upload. Only while the client keeps sending: up to {@link
   * #DROP_AT_MOST} bytes, and no longer than {@link #DROP_IDLE} without a byte (a client that
   * stalls, or never ends its chunked body). Short of the body's end the connection is closed after
   * the answer.
   */
  private static void dropRestOfBody(Context ctx) {
    try {
      if (ctx.req().getContentLengthLong() > DROP_AT_MOST || !droppedToTheEnd(ctx)) {
        ctx.header("Connection", "close");
      }
    } catch (IOException | IllegalStateException | UncheckedIOException e) {
      // the client is gone, or the body was taken as a reader: nothing more to drop
      ctx.header("Connection", "close");
    }
  }

  /**
   * Reads the rest of the body and drops it, with the connection's idle timeout shortened to {@link
   * #DROP_IDLE} meanwhile; true when the body's end was reached.
   */
  private static boolean droppedToTheEnd(Context ctx) throws IOException {
    ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
    if (request == null) {
      return false;
    }
    EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
    long idleTimeout = endPoint.getIdleTimeout();
    endPoint.setIdleTimeout(DROP_IDLE.toMillis());
    try {
      InputStream in = ctx.req().getInputStream();
      byte[] buffer = new byte[64 * 1024];
      long dropped = 0;
      for (int n; (n = in.read(buffer)) >= 0; ) {
        dropped += n;
        if (dropped > DROP_AT_MOST) {
          return false;
        }
      }
      return true;
    } catch (IOException e) { // the client stalled past DROP_IDLE, or went away
      return false;
    } finally {
      endPoint.setIdleTimeout(idleTimeout);
    }
  }

  private static void fillEmpty(Context ctx, String message, String type) {
    if (ctx.result() == null || ctx.result().isEmpty()) {
      ctx.json(new ErrorBody(message, type));
    }
  }
}
