package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * PUB's part of a graceful shutdown (SIGTERM): it stops accepting at once, lets the calls in flight
 * finish up to a limit, then closes.
 */
class GracefulShutdownIT {
  private static final String CALL = "/pub/job/adder/latest/api/v1/perform";

  private final FakeLifecycleFixture lifecycle = FakeLifecycleFixture.start();
  private final FakeJobFixture job = FakeJobFixture.start();
  private final PubFixture pub = PubFixture.start(lifecycle);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    job.release();
    pub.close();
    job.close();
    lifecycle.close();
    http.shutdownNow();
  }

  private CompletableFuture<HttpResponse<String>> call() {
    return http.sendAsync(
        pub.request(CALL)
            .timeout(Duration.ofSeconds(30))
            .header("X-Racetrack-Auth", "t")
            .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\":[40,2]}"))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private boolean accepting() {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), pub.port())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void close_withCallsInFlight_stopsAcceptingAndLetsEveryCallFinish() throws Exception {
    lifecycle.permitAllWith(job.internalName(), Map.of("call_timeout", 60));
    job.answerAfterRelease("{\"sum\":42}");
    List<CompletableFuture<HttpResponse<String>>> calls =
        IntStream.range(0, 4).mapToObj(i -> call()).toList();
    await().atMost(Duration.ofSeconds(10)).until(() -> job.received().size() == 4);

    CompletableFuture<Void> closing =
        CompletableFuture.runAsync(() -> pub.closeGracefully(Duration.ofSeconds(20)));
    await().atMost(Duration.ofSeconds(10)).until(() -> !accepting());
    assertThat(closing).isNotDone();

    job.release();
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      HttpResponse<String> response = call.get(20, TimeUnit.SECONDS);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("{\"sum\":42}");
    }
    closing.get(20, TimeUnit.SECONDS);
  }

  @Test
  void close_whenACallOutlastsTheLimit_closesAtTheLimit() throws Exception {
    lifecycle.permitAllWith(job.internalName(), Map.of("call_timeout", 60));
    job.answerAfterRelease("{\"sum\":42}");
    CompletableFuture<HttpResponse<String>> call = call();
    await().atMost(Duration.ofSeconds(10)).until(() -> job.received().size() == 1);

    long started = System.nanoTime();
    pub.closeGracefully(Duration.ofMillis(500));
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
    assertThatThrownBy(() -> call.get(20, TimeUnit.SECONDS)).hasCauseInstanceOf(IOException.class);
  }
}
