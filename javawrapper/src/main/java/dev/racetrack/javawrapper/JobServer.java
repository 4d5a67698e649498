package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The job's HTTP server (the JDK's {@code com.sun.net.httpserver}, one virtual thread per
 * exchange). It answers the probes at once and loads the entrypoint in the background; the job is
 * ready when the entrypoint is loaded.
 */
public final class JobServer implements AutoCloseable {
  private static final int BACKLOG = 128;

  private final HttpServer server;
  private final ExecutorService executor;
  private final AtomicReference<JobState> state = new AtomicReference<>(new JobState.Loading());

  private JobServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code config.httpAddr():config.httpPort()} and loads the entrypoint with
   * {@code loader} on a background thread.
   */
  public static JobServer start(JobConfig config, Callable<Entrypoint> loader) throws IOException {
    return start(config, loader, Clock.systemUTC());
  }

  static JobServer start(JobConfig config, Callable<Entrypoint> loader, Clock clock)
      throws IOException {
    requireNonNull(loader, "loader");
    HttpServer httpServer =
        HttpServer.create(new InetSocketAddress(config.httpAddr(), config.httpPort()), BACKLOG);
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    JobServer jobServer = new JobServer(httpServer, executor);
    JobRoutes routes = new JobRoutes(config, jobServer.state::get, new JobMetrics(clock));
    httpServer.createContext("/", exchange -> serve(routes, exchange));
    httpServer.setExecutor(executor);
    httpServer.start();
    JobLog.info(
        "job %s %s listening on %s:%d"
            .formatted(config.jobName(), config.jobVersion(), config.httpAddr(), jobServer.port()));
    Thread.ofPlatform().name("entrypoint-loader").daemon().start(() -> jobServer.load(loader));
    return jobServer;
  }

  private void load(Callable<Entrypoint> loader) {
    try {
      Entrypoint entrypoint = loader.call();
      state.set(new JobState.Ready(entrypoint));
      JobLog.info("job is ready: " + entrypoint);
    } catch (Throwable e) { // any failure, even an Error from a static initializer, is reported
      Throwable cause = unwrap(e);
      JobLog.error("failed to load the job entrypoint", cause);
      state.set(new JobState.Failed(JobLog.describe(cause)));
    }
  }

  private static Throwable unwrap(Throwable error) {
    Throwable current = error;
    while ((current instanceof InvocationTargetException
            || current instanceof ExceptionInInitializerError)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static void serve(JobRoutes routes, HttpExchange exchange) throws IOException {
    try (exchange) {
      Response response = routes.handle(toRequest(exchange));
      response.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      if (exchange.getRequestMethod().equals("HEAD")) {
        exchange.sendResponseHeaders(response.status(), -1);
        return;
      }
      byte[] body = response.body();
      exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static Request toRequest(HttpExchange exchange) {
    String path = exchange.getRequestURI().getPath();
    String method = exchange.getRequestMethod();
    RequestContext context =
        new RequestContext(method, path == null ? "/" : path, exchange.getRequestHeaders());
    return new Request(
        method, context.path(), "", context, exchange.getRequestBody(), contentLength(exchange));
  }

  private static OptionalLong contentLength(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Content-Length");
    if (header == null) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(header.strip()));
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The port the server listens on (useful when started on port 0). */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Whether the entrypoint is loaded (the job is ready). */
  public boolean ready() {
    return state.get() instanceof JobState.Ready;
  }

  /**
   * Stops accepting connections and waits up to {@code grace} for exchanges in progress to finish.
   */
  public void stop(Duration grace) {
    JobLog.info("stopping, waiting up to " + grace.toSeconds() + " s for calls in progress");
    server.stop((int) Math.max(0, grace.toSeconds()));
    executor.shutdownNow();
  }

  /** Stops at once. */
  @Override
  public void close() {
    stop(Duration.ZERO);
  }
}
