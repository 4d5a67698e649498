package dev.racetrack.pub;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.pub.async.AsyncEndpoint;
import dev.racetrack.tls.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/** PUB itself, on a free port, in front of a lifecycle the test chooses, with a manual clock. */
final class PubFixture implements AutoCloseable {
  static final String INTERNAL_TOKEN = "internal-token-of-lifecycle";
  static final String VERSION = "0.9.9-test";
  static final Duration CACHE_TTL = Duration.ofSeconds(5);
  static final Duration STALE_TTL = Duration.ofSeconds(60);
  static final String JOB_CALL_KEY = "job-call-key-of-the-test-platform-0123456789";
  static final JobCallSecrets SECRETS = new JobCallSecrets(JOB_CALL_KEY);

  /** A job whose webview an admin approved: its pages are not sandboxed. */
  static final String WEBVIEW_JOB = "approved-webview";

  final ManualClock clock = new ManualClock();
  private final PubServer pub;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  private PubFixture(String lifecycleUrl) {
    this(lifecycleUrl, Optional.empty(), Optional.empty());
  }

  private PubFixture(String lifecycleUrl, Optional<URI> externalUrl, Optional<String> jobDomain) {
    this(lifecycleUrl, externalUrl, jobDomain, PubLimits.defaults(), AsyncEndpoint.NONE, "auto");
  }

  private PubFixture(
      String lifecycleUrl,
      Optional<URI> externalUrl,
      Optional<String> jobDomain,
      PubLimits limits,
      AsyncEndpoint async,
      String transport) {
    pub =
        PubServer.start(
            new PubConfig(
                "127.0.0.1",
                0,
                lifecycleUrl,
                CACHE_TTL,
                STALE_TTL,
                Duration.ofSeconds(2),
                INTERNAL_TOKEN,
                JOB_CALL_KEY,
                Set.of(WEBVIEW_JOB),
                externalUrl,
                jobDomain,
                limits,
                TlsConfig.OFF,
                transport),
            clock,
            VERSION,
            async);
  }

  /** PUB with the given limits and async endpoint. */
  static PubFixture start(FakeLifecycleFixture lifecycle, PubLimits limits, AsyncEndpoint async) {
    return new PubFixture(
        lifecycle.url(), Optional.empty(), Optional.empty(), limits, async, "auto");
  }

  /** PUB on the network transport named {@code transport} ({@code PUB_TRANSPORT}). */
  static PubFixture start(FakeLifecycleFixture lifecycle, String transport) {
    return new PubFixture(
        lifecycle.url(),
        Optional.empty(),
        Optional.empty(),
        PubLimits.defaults(),
        AsyncEndpoint.NONE,
        transport);
  }

  static PubFixture start(FakeLifecycleFixture lifecycle) {
    return new PubFixture(lifecycle.url());
  }

  /**
   * PUB with jobs' own hosts under {@code jobDomain} and browsers seeing it at {@code external}.
   */
  static PubFixture start(
      FakeLifecycleFixture lifecycle, Optional<URI> externalUrl, Optional<String> jobDomain) {
    return new PubFixture(lifecycle.url(), externalUrl, jobDomain);
  }

  /** PUB's port. */
  int port() {
    return pub.port();
  }

  static PubFixture start(String lifecycleUrl) {
    return new PubFixture(lifecycleUrl);
  }

  /** host:port of PUB, as a client sends it in {@code Host}. */
  String hostAndPort() {
    return "127.0.0.1:" + pub.port();
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://" + hostAndPort() + pathAndQuery);
  }

  HttpRequest.Builder request(String pathAndQuery) {
    return HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(20));
  }

  /** A GET with headers given as name, value, name, value... */
  HttpResponse<String> get(String pathAndQuery, String... headers) {
    HttpRequest.Builder request = request(pathAndQuery).GET();
    if (headers.length > 0) {
      request.headers(headers);
    }
    return send(request.build());
  }

  HttpResponse<String> send(HttpRequest request) {
    return send(request, HttpResponse.BodyHandlers.ofString());
  }

  <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body) {
    try {
      return http.send(request, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<InputStream> stream(HttpRequest request) {
    return send(request, HttpResponse.BodyHandlers.ofInputStream());
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return Json.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  String metrics() {
    return get("/pub/metrics").body();
  }

  /** Stops PUB as on SIGTERM, letting calls in flight finish for up to {@code limit}. */
  void closeGracefully(Duration limit) {
    pub.close(limit);
    http.shutdownNow();
  }

  @Override
  public void close() {
    pub.close();
    http.shutdownNow();
  }
}
