package dev.racetrack.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ApiServer#close(Duration)} lets a request in progress answer before the server stops (the
 * image builder's drain relies on it: a build that ended is still writing its result), while {@link
 * ApiServer#close()} stops at once and cuts it.
 */
class GracefulStopIT {
  private final CountDownLatch entered = new CountDownLatch(1);
  private final HttpClient client = HttpClient.newHttpClient();
  private ApiServer server;

  @BeforeEach
  void start() {
    Routes slow =
        routes ->
            routes.get(
                "/slow",
                ctx -> {
                  entered.countDown();
                  Thread.sleep(700); // still working when the stop begins
                  ctx.result("answered");
                });
    server =
        new ApiServer(
                new ApiServer.Settings("graceful-test", "0", "127.0.0.1", 0, List.of(""), 1024),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(slow))
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private CompletableFuture<HttpResponse<String>> slowRequest() {
    return client.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/slow")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void closeWithGrace_letsTheRequestInProgressAnswer() throws Exception {
    CompletableFuture<HttpResponse<String>> inProgress = slowRequest();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    server.close(Duration.ofSeconds(10));

    HttpResponse<String> response = inProgress.get(10, TimeUnit.SECONDS);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("answered");
  }

  @Test
  void closeWithGrace_cutsARequestOutlastingIt_andStopsQuietly() throws Exception {
    CompletableFuture<HttpResponse<String>> inProgress = slowRequest();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    server.close(Duration.ofMillis(50));

    assertThatThrownBy(() -> inProgress.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);
  }

  @Test
  void closeWithoutGrace_cutsTheRequestInProgress() throws Exception {
    CompletableFuture<HttpResponse<String>> inProgress = slowRequest();
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

    server.close();

    assertThatThrownBy(() -> inProgress.get(10, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(IOException.class);
  }
}
