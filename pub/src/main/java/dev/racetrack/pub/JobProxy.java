package dev.racetrack.pub;

import dev.racetrack.model.Json;
import java.io.EOFException;
import java.net.ConnectException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.proxy.ProxyHandler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Streams a call to the job chosen by {@link GatewayHandler}: the target URI and the headers to add
 * travel as request attributes. Transport failures become 502 JSON errors naming the cause.
 */
final class JobProxy extends ProxyHandler.Reverse {
  static final String TARGET = "racetrack.target";
  static final String EXTRA_HEADERS = "racetrack.headers";
  static final String PERMIT = "racetrack.permit";

  private final PubMetrics metrics;
  private final PermitCache cache;
  private final int maxConnectionsPerJob;

  JobProxy(PubMetrics metrics, PermitCache cache, int maxConnectionsPerJob) {
    super(request -> (HttpURI) request.getAttribute(TARGET));
    this.metrics = metrics;
    this.cache = cache;
    this.maxConnectionsPerJob = maxConnectionsPerJob;
  }

  @Override
  protected void configureHttpClient(HttpClient httpClient) {
    super.configureHttpClient(httpClient);
    httpClient.setMaxConnectionsPerDestination(maxConnectionsPerJob);
    httpClient.setConnectTimeout(10_000);
    httpClient.setIdleTimeout(90_000);
  }

  @Override
  @SuppressWarnings("unchecked")
  protected void addProxyHeaders(
      Request clientToProxyRequest, org.eclipse.jetty.client.Request proxyToServerRequest) {
    String host = clientToProxyRequest.getHeaders().get(HttpHeader.HOST);
    Map<String, String> extra =
        (Map<String, String>) clientToProxyRequest.getAttribute(EXTRA_HEADERS);
    proxyToServerRequest.headers(
        headers -> {
          if (host != null) {
            headers.put("X-Forwarded-Host", host);
          }
          extra.forEach(headers::put);
        });
  }

  @Override
  protected void onServerToProxyResponseFailure(
      Request clientToProxyRequest,
      org.eclipse.jetty.client.Request proxyToServerRequest,
      org.eclipse.jetty.client.Response serverToProxyResponse,
      Response proxyToClientResponse,
      Callback proxyToClientCallback,
      Throwable failure) {
    metrics.proxyError(failure(failure));
    if (proxyToClientResponse.isCommitted()) {
      proxyToClientCallback.failed(failure);
      return;
    }
    CallPermit permit = (CallPermit) clientToProxyRequest.getAttribute(PERMIT);
    if (rootCause(failure) instanceof ConnectException) {
      cache.invalidateJob(permit.jobName()); // the job moved or stopped: ask lifecycle next time
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "Reverse proxy error: " + cause(failure));
    body.put("jobName", permit.jobName());
    body.put("jobVersion", permit.jobVersion());
    body.put("jobStatus", permit.jobStatus());
    Object tracingId = clientToProxyRequest.getAttribute(GatewayHandler.TRACING_ATTRIBUTE);
    body.put("requestId", tracingId);
    body.put("caller", permit.caller().orElse(null));
    // The job may have sent its headers (e.g. a Content-Length) before failing: drop them.
    proxyToClientResponse.reset();
    proxyToClientResponse
        .getHeaders()
        .put(GatewayHandler.TRACING_HEADER, String.valueOf(tracingId));
    proxyToClientResponse.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    proxyToClientResponse.setStatus(failure instanceof TimeoutException ? 504 : 502);
    proxyToClientResponse.write(
        true, ByteBuffer.wrap(Json.writeBytes(body)), proxyToClientCallback);
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  @Override
  protected void onProxyToClientResponseFailure(
      Request clientToProxyRequest,
      org.eclipse.jetty.client.Request proxyToServerRequest,
      org.eclipse.jetty.client.Response serverToProxyResponse,
      Response proxyToClientResponse,
      Callback proxyToClientCallback,
      Throwable failure) {
    metrics.proxyError(PubMetrics.ProxyFailure.CANCELED); // the caller went away mid-answer
    super.onProxyToClientResponseFailure(
        clientToProxyRequest,
        proxyToServerRequest,
        serverToProxyResponse,
        proxyToClientResponse,
        proxyToClientCallback,
        failure);
  }

  /** The kind of a failed call to a job. */
  static PubMetrics.ProxyFailure failure(Throwable failure) {
    Throwable root = rootCause(failure);
    if (root instanceof ConnectException) {
      return PubMetrics.ProxyFailure.CONNECTION_REFUSED;
    }
    if (root instanceof EOFException || failure instanceof EOFException) {
      return PubMetrics.ProxyFailure.CONNECTION_BROKEN;
    }
    if (failure instanceof TimeoutException || root instanceof TimeoutException) {
      return PubMetrics.ProxyFailure.TIMEOUT;
    }
    return PubMetrics.ProxyFailure.OTHER;
  }

  /** The failure classified as in §5.3. */
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
