package dev.racetrack.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.JobType;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.Plugins;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image builder's graceful stop: new builds are refused with 503 and {@code /ready} says 503,
 * the builds in flight finish and answer, then the server stops; a build that outlasts the limit
 * does not hold the stop.
 */
class ImageBuilderDrainIT {
  private static final String TOKEN = "builder-token";

  @TempDir Path tmp;
  private final CountDownLatch started = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final HttpClient http = HttpClient.newHttpClient();
  private ImageBuilderApp app;

  /** A job type whose build waits until the test releases it. */
  private final class Held implements JobType {
    @Override
    public String name() {
      return "held";
    }

    @Override
    public String version() {
      return "1.0.0";
    }

    @Override
    public void validate(Manifest manifest) {}

    @Override
    public LaunchSpec buildLocal(JobBuild build) {
      started.countDown();
      try {
        release.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return new LaunchSpec(List.of("true"), LaunchSpec.ARTIFACT, Map.of());
    }
  }

  @BeforeEach
  void start() {
    Map<String, String> env = new HashMap<>();
    env.put("RACETRACK_DATA_DIR", tmp.resolve("data").toString());
    env.put("IMAGE_BUILDER_PORT", "0");
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", System.getProperty("user.home"));
    app =
        ImageBuilderApp.start(
            ImageBuilderConfig.fromEnv(env, TOKEN),
            new Plugins(List.of(new Held()), List.of()),
            Clock.systemUTC(),
            "test");
  }

  /**
   * Releases a held build and waits for it to end: a build that a stop cut still runs on in this
   * JVM and writes under {@link #tmp}, which JUnit deletes next (a race that failed this test under
   * load). Closing again is a drain only: the server is already stopped.
   */
  @AfterEach
  void stop() {
    release.countDown();
    app.close(Duration.ofSeconds(30));
  }

  private HttpResponse<String> build(String id) throws Exception {
    Path job = Files.createDirectories(tmp.resolve("job-" + id));
    Files.writeString(job.resolve("job.sh"), "true\n");
    BuildRequest request =
        new BuildRequest(
            id,
            Map.of(
                "name", "held-job",
                "owner_email", "a@example.com",
                "jobtype", "held:1.0.0",
                "git", Map.of("remote", "https://example.com/x")),
            Base64.getEncoder().encodeToString(BuildContext.pack(job, p -> true)),
            null,
            Map.of(),
            "t-" + id,
            List.of(),
            BuildRequest.Output.DIRECTORY);
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/api/v1/build"))
            .header("X-Racetrack-Auth", TOKEN)
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(request)))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private int ready() throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + "/ready")).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void stop_refusesNewBuilds_letsTheOneInFlightFinish_thenStops() throws Exception {
    CompletableFuture<HttpResponse<String>> inFlight =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return build("first");
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    assertThat(ready()).isEqualTo(200);

    CompletableFuture<Void> stopping =
        CompletableFuture.runAsync(() -> app.close(Duration.ofSeconds(30)));
    await().atMost(Duration.ofSeconds(10)).until(() -> ready() == 503);
    HttpResponse<String> refused = build("second");
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(Json.mapper().readTree(refused.body()).path("error").asText())
        .contains("the image builder is stopping: it takes no new builds");
    assertThat(stopping).isNotDone();

    release.countDown();
    HttpResponse<String> finished = inFlight.get(30, TimeUnit.SECONDS);
    assertThat(finished.statusCode()).as(finished.body()).isEqualTo(200);
    JsonNode result = Json.mapper().readTree(finished.body());
    assertThat(result.path("error").isNull()).as(finished.body()).isTrue();
    assertThat(result.path("image_name").asText()).contains("held-job");
    stopping.get(10, TimeUnit.SECONDS);
  }

  @Test
  void stop_withABuildOutlastingTheLimit_stopsAtTheLimit() throws Exception {
    CompletableFuture.runAsync(
        () -> {
          try {
            build("slow");
          } catch (Exception e) {
            // cut when the server stops: expected
          }
        });
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    long start = System.nanoTime();

    app.close(Duration.ofMillis(500));

    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(450))
        .isLessThan(Duration.ofSeconds(15));
  }
}
