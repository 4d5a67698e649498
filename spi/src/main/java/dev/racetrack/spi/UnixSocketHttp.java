package dev.racetrack.spi;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.CompletableResponseListener;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Transport;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * A health probe's GET to a job reachable only through a Unix socket (a container in its own
 * network namespace behind the platform's relay), sent by Jetty's HTTP client over a Unix domain
 * socket ({@link Transport.TCPUnix}): {@code java.net.http} has no Unix socket transport, and the
 * answer is parsed by Jetty's HTTP/1.1 parser, not by code of ours. Only the status code and a
 * small body are used (the answer is capped at 1 MiB), for {@code /live}, {@code /ready} and {@code
 * /metrics} of the platform's own probes, never to relay a caller's request.
 *
 * <p>Why Jetty's client rather than Netty's codec: the processes that load the infrastructure
 * plugins (lifecycle, the all-in-one server) already run Jetty (Javalin's server) at the version
 * the parent's Jetty BOM pins, so {@code jetty-client} adds one small jar next to {@code
 * jetty-http}, {@code jetty-io} and {@code jetty-util} they already hold; Netty would bring its
 * buffer, transport and codec jars into lifecycle for three probe paths, and a blocking caller
 * would still need a promise bridge. Jetty's blocking-friendly {@code CompletableFuture} API keeps
 * this class small.
 *
 * <p>One client serves the whole process (started on first use, daemon threads, never stopped):
 * probes come from every infrastructure plugin and their number does not grow with the jobs. Each
 * request asks for {@code Connection: close}, so no idle connection to a relay outlives a probe (a
 * job restart never meets a stale pooled connection).
 */
final class UnixSocketHttp {
  static final int MAX_ANSWER = 1 << 20;

  /** The status code and body of an answer. */
  record Answer(int statusCode, String body) {}

  private UnixSocketHttp() {}

  /** GETs {@code pathAndQuery} from the HTTP server on {@code socket} within {@code timeout}. */
  static Answer get(Path socket, String pathAndQuery, Duration timeout) throws IOException {
    if (!pathAndQuery.startsWith("/") || pathAndQuery.chars().anyMatch(c -> c <= ' ' || c > '~')) {
      throw new IOException("not a request path: " + pathAndQuery);
    }
    Request request;
    try {
      request =
          Shared.CLIENT
              .newRequest("http://localhost" + pathAndQuery)
              .transport(new Transport.TCPUnix(socket))
              .headers(h -> h.put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE))
              .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (IllegalArgumentException e) {
      throw new IOException("not a request path: " + pathAndQuery, e);
    }
    try {
      // Jetty's own timeout ends the exchange; the wait below only guards against a lost callback
      ContentResponse response =
          new CompletableResponseListener(request, MAX_ANSWER)
              .send()
              .get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      return new Answer(
          response.getStatus(), new String(response.getContent(), StandardCharsets.UTF_8));
    } catch (ExecutionException e) {
      throw failure(socket, pathAndQuery, timeout, e.getCause());
    } catch (TimeoutException e) {
      request.abort(e);
      throw failure(socket, pathAndQuery, timeout, e);
    } catch (InterruptedException e) {
      request.abort(e);
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + socket, e);
    }
  }

  private static IOException failure(
      Path socket, String pathAndQuery, Duration timeout, Throwable cause) {
    String what = "GET " + pathAndQuery + " through " + socket;
    if (cause instanceof TimeoutException) {
      return new IOException("no answer from " + socket + " within " + timeout, cause);
    }
    if (cause instanceof IllegalArgumentException) { // the listener's cap
      return new IOException(
          what + ": the answer is above " + MAX_ANSWER + " bytes (" + cause.getMessage() + ")",
          cause);
    }
    return new IOException(what + " failed: " + cause, cause);
  }

  /** The process's client, started when the first probe needs it. */
  private static final class Shared {
    static final HttpClient CLIENT = start();

    private static HttpClient start() {
      QueuedThreadPool threads = new QueuedThreadPool(8, 1);
      threads.setName("unix-socket-probe");
      threads.setDaemon(true);
      HttpClient client = new HttpClient();
      client.setExecutor(threads);
      client.setScheduler(new ScheduledExecutorScheduler("unix-socket-probe-timer", true));
      client.setFollowRedirects(false);
      client.setUserAgentField(null);
      try {
        client.start();
      } catch (Exception e) {
        throw new IllegalStateException("cannot start the Unix socket HTTP client", e);
      }
      return client;
    }
  }
}
