package dev.racetrack.javawrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The wrapper launched the way a job image launches it: a separate JVM configured by env. */
class JobMainIT {
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private Process process;
  private Thread stderrReader;

  private Process launch(Map<String, String> env, String entrypoint) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder builder =
        new ProcessBuilder(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            JobMain.class.getName(),
            entrypoint);
    builder.environment().keySet().removeIf(name -> name.startsWith("JOB_"));
    builder.environment().putAll(env);
    builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    process = builder.start();
    stderrReader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader reader =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getErrorStream(), StandardCharsets.UTF_8))) {
                    reader.lines().forEach(stderr::add);
                  } catch (IOException | UncheckedIOException e) {
                    stderr.add("stderr read failed: " + e);
                  }
                });
    return process;
  }

  private Optional<Integer> port() {
    return stderr.stream()
        .map(LISTENING::matcher)
        .filter(Matcher::find)
        .map(m -> Integer.parseInt(m.group(1)))
        .findFirst();
  }

  @AfterEach
  void kill() {
    if (process != null) {
      process.destroyForcibly();
    }
  }

  @Test
  void main_servesJobFromEnvironmentAndStopsOnSigterm() throws Exception {
    launch(
        Map.of(
            "JOB_NAME",
            "adder",
            "JOB_VERSION",
            "0.0.1",
            "JOB_HTTP_ADDR",
            "127.0.0.1",
            "JOB_HTTP_PORT",
            "0",
            "JOB_DEPLOYMENT_TIMESTAMP",
            "1700000000",
            JobConfig.CALL_SECRET_ENV,
            "secret-of-adder"),
        TestJobs.Adder.class.getName());
    await().atMost(Duration.ofSeconds(30)).until(() -> port().isPresent());
    URI base = URI.create("http://127.0.0.1:" + port().orElseThrow());
    try (HttpClient client = HttpClient.newHttpClient()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  client
                          .send(
                              HttpRequest.newBuilder(base.resolve("/ready")).build(),
                              HttpResponse.BodyHandlers.ofString())
                          .statusCode()
                      == 200);

      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(base.resolve("/pub/job/adder/latest/api/v1/perform"))
                  .header(JobCallGuard.HEADER, "secret-of-adder")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\": [40, 2]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> direct =
          client.send(
              HttpRequest.newBuilder(base.resolve("/pub/job/adder/latest/api/v1/perform"))
                  .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\": [40, 2]}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());

      assertThat(direct.statusCode()).isEqualTo(401);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("42.0");
    }

    process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of stderr

    assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(stderrReader.join(Duration.ofSeconds(5))).isTrue();
    assertThat(String.join("\n", stderr)).contains("stopping");
  }

  @Test
  void main_withoutJobName_exitsNamingTheVariable() throws Exception {
    launch(Map.of("JOB_VERSION", "0.0.1"), TestJobs.Adder.class.getName());

    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(stderrReader.join(Duration.ofSeconds(5))).isTrue();
    assertThat(String.join("\n", stderr)).contains("JOB_NAME");
  }
}
