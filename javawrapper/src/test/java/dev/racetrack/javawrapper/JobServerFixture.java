package dev.racetrack.javawrapper;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/** A job server started in-process on a free loopback port, with an HTTP client to call it. */
final class JobServerFixture implements AutoCloseable {
  static final String JOB_NAME = "adder";
  static final String JOB_VERSION = "0.0.1";
  static final long DEPLOYMENT_TIMESTAMP = 1_700_000_000L;

  /** The secret the platform gives the job; the fixture presents it on every call, as PUB does. */
  static final String CALL_SECRET = "secret-pub-presents-to-adder";

  private final JobServer server;
  private final HttpClient client =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private JobServerFixture(JobServer server) {
    this.server = server;
  }

  static JobConfig config(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("JOB_NAME", JOB_NAME);
    env.put("JOB_VERSION", JOB_VERSION);
    env.put("JOB_HTTP_ADDR", "127.0.0.1");
    env.put("JOB_HTTP_PORT", "0");
    env.put("JOB_DEPLOYMENT_TIMESTAMP", Long.toString(DEPLOYMENT_TIMESTAMP));
    env.put("GIT_VERSION", "abc123");
    env.put("DEPLOYED_BY_RACETRACK_VERSION", "2.36.0");
    env.put("JOB_TYPE_VERSION", "java:1.0.0");
    env.put(JobConfig.CALL_SECRET_ENV, CALL_SECRET);
    env.putAll(overrides);
    return JobConfig.fromEnv(env);
  }

  /** Starts the server; the entrypoint is loaded in the background. */
  static JobServerFixture start(JobConfig config, Callable<Entrypoint> loader) throws IOException {
    return new JobServerFixture(JobServer.start(config, loader));
  }

  /** Starts the server for a job class and waits until it is ready. */
  static JobServerFixture ready(Class<?> jobClass) throws IOException {
    return ready(config(Map.of()), () -> Entrypoint.load(jobClass));
  }

  /** Starts the server for a job instance and waits until it is ready. */
  static JobServerFixture ready(Object job) throws IOException {
    return ready(config(Map.of()), () -> Entrypoint.of(job));
  }

  static JobServerFixture ready(JobConfig config, Callable<Entrypoint> loader) throws IOException {
    JobServerFixture fixture = start(config, loader);
    await().atMost(Duration.ofSeconds(10)).until(fixture.server::ready);
    return fixture;
  }

  JobServer server() {
    return server;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(uri(path)).GET());
  }

  HttpResponse<String> post(String path, String body) {
    return send(
        HttpRequest.newBuilder(uri(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body)));
  }

  HttpResponse<String> perform(String body) {
    return post("/api/v1/perform", body);
  }

  CompletableFuture<HttpResponse<String>> performAsync(String body) {
    return client.sendAsync(
        HttpRequest.newBuilder(uri("/api/v1/perform"))
            .header(JobCallGuard.HEADER, CALL_SECRET)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Sends the request as PUB would: with the job's secret. */
  HttpResponse<String> send(HttpRequest.Builder request) {
    return sendAsIs(request.setHeader(JobCallGuard.HEADER, CALL_SECRET));
  }

  /** Sends the request with only the headers it has (as a local process calling the port). */
  HttpResponse<String> sendAsIs(HttpRequest.Builder request) {
    try {
      return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JobJson.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    server.close();
    client.close();
  }
}
