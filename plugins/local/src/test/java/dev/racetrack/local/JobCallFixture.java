package dev.racetrack.local;

import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.DeployedJob;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Calls a job's {@code perform} on its own port the way PUB does (with the job's call secret). */
final class JobCallFixture {
  /** What PUB would present; the tests' jobs get it as {@code RACETRACK_JOB_CALL_SECRET}. */
  static final String CALL_SECRET = "secret-pub-presents";

  private JobCallFixture() {}

  static HttpResponse<String> perform(
      HttpClient http, DeployedJob job, Manifest manifest, String body)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(
                URI.create(
                    "http://"
                        + job.internalName()
                        + "/pub/job/"
                        + manifest.name()
                        + "/"
                        + manifest.version()
                        + "/api/v1/perform"))
            .header("X-Racetrack-Job-Secret", CALL_SECRET)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
