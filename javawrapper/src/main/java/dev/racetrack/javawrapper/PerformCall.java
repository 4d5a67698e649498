package dev.racetrack.javawrapper;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;

/**
 * One call of perform: read and bind the body, run perform with the request context, serialise the
 * result, and count it in the metrics.
 */
final class PerformCall {
  private final long maxBodyBytes;
  private final JobMetrics metrics;

  PerformCall(long maxBodyBytes, JobMetrics metrics) {
    this.maxBodyBytes = maxBodyBytes;
    this.metrics = metrics;
  }

  Response call(JobState.Ready ready, Request request) throws IOException {
    metrics.callStarted(JobRoutes.PERFORM_ENDPOINT);
    long started = System.nanoTime();
    boolean internalError = false;
    try {
      Object[] arguments = ready.binder().bind(request.readBody(maxBodyBytes));
      Response response = invoke(ready.entrypoint(), request.context(), arguments);
      internalError = response.status() >= 500;
      return response;
    } catch (RuntimeException e) {
      internalError = !(e instanceof HttpStatusException status && status.status() < 500);
      throw e;
    } finally {
      metrics.callDone(
          JobRoutes.PERFORM_ENDPOINT, (System.nanoTime() - started) / 1e9, internalError);
    }
  }

  private static Response invoke(
      Entrypoint entrypoint, RequestContext context, Object[] arguments) {
    Object result;
    try {
      result = RequestContext.callWith(context, () -> entrypoint.perform(arguments));
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      JobLog.error("perform of " + entrypoint.className() + " failed", cause);
      return Response.error(500, JobLog.describe(cause));
    } catch (Exception e) {
      JobLog.error("cannot call perform of " + entrypoint.className(), e);
      return Response.error(500, "cannot call perform: " + JobLog.describe(e));
    }
    try {
      return Response.jsonBytes(200, JobJson.writeValue(result));
    } catch (IOException e) {
      JobLog.error("result of perform cannot be serialised to JSON", e);
      return Response.error(
          500, "result of perform cannot be serialised to JSON: " + ArgumentBinder.shortReason(e));
    }
  }
}
