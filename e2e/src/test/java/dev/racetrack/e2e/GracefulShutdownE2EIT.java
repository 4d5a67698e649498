package dev.racetrack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.racetrack.testsupport.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform process stopped with SIGTERM (Ctrl-C) while calls are in flight through PUB: every
 * call completes with its answer, then the process exits.
 */
class GracefulShutdownE2EIT {
  private static final Path DIST =
      Path.of(System.getProperty("racetrack.dist", "../server/target/dist"));
  private static final int CALLS = 8;

  @TempDir Path home;

  @Test
  void sigterm_withCallsInFlight_everyCallCompletes_thenThePlatformExits() throws Exception {
    Tools.require("python3");
    Tools.require("bwrap");
    Path job = Files.createDirectories(home.resolve("slow"));
    Files.writeString(
        job.resolve("job.yaml"),
        """
        name: slow
        owner_email: dev@example.com
        version: 0.0.1
        jobtype: python3:latest
        git:
          remote: https://example.com/jobs
        jobtype_extra:
          entrypoint_path: slow.py
        """);
    Files.writeString(
        job.resolve("slow.py"),
        """
        import time

        class Slow:
            def perform(self, n):
                time.sleep(3)
                return n * 2
        """);
    try (PlatformProcess platform = new PlatformProcess(DIST, home, Map.of())) {
      platform.start();
      String token = platform.loginAsAdmin();
      PlatformProcess.CliResult deploy = platform.cli("", "deploy", job.toString());
      assertThat(deploy.exitCode()).as(deploy.output()).isZero();

      HttpClient http = HttpClient.newHttpClient();
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        calls.add(
            http.sendAsync(
                HttpRequest.newBuilder(
                        URI.create(platform.pubUrl() + "/job/slow/latest/api/v1/perform"))
                    .header("X-Racetrack-Auth", token)
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"n\": " + i + "}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      Thread.sleep(1000); // every call is in the job's 3 s sleep when the signal comes

      long stopping = System.nanoTime();
      platform.stop(); // SIGTERM, then waits for the process to exit

      for (int i = 0; i < CALLS; i++) {
        HttpResponse<String> response = calls.get(i).get(30, TimeUnit.SECONDS);
        assertThat(response.statusCode()).as("call %d: %s", i, response.body()).isEqualTo(200);
        assertThat(response.body()).isEqualTo(Integer.toString(i * 2));
      }
      // the process waited for the calls (about 2 s more), far less than the 30 s drain limit
      assertThat(Duration.ofNanos(System.nanoTime() - stopping)).isLessThan(Duration.ofSeconds(25));
      // PostgreSQL stopped last: lifecycle's own stop still had its database (it used to be
      // stopped at the signal, in parallel: "closing ... failed: ... Connection is not available")
      assertThat(Files.readString(platform.serverLog()))
          .doesNotContainPattern("closing .* failed")
          .doesNotContain("Connection is not available");
      await()
          .atMost(Duration.ofSeconds(5))
          .until(
              () -> {
                try {
                  http.send(
                      HttpRequest.newBuilder(URI.create(platform.pubUrl() + "/live")).build(),
                      HttpResponse.BodyHandlers.discarding());
                  return false;
                } catch (java.io.IOException refused) {
                  return true; // PUB no longer accepts connections
                }
              });
    }
  }
}
