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
import org.junit.jupiter.api.io.TempDir;

/** The wrapper launched the way a job image launches it: a separate JVM configured by env. */
class JobMainIT {
  private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+)");

  /** The adder job's environment as the platform gives it. */
  private static final Map<String, String> ADDER_ENV =
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
          "secret-of-adder");

  private final List<String> stderr = new CopyOnWriteArrayList<>();
  private Process process;
  private Thread stderrReader;

  private Process launch(Map<String, String> env, String entrypoint, String... jvmOptions)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java));
    command.addAll(List.of(jvmOptions));
    command.addAll(
        List.of("-cp", System.getProperty("java.class.path"), JobMain.class.getName(), entrypoint));
    ProcessBuilder builder = new ProcessBuilder(command);
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
    launch(ADDER_ENV, TestJobs.Adder.class.getName());
    await().atMost(Duration.ofSeconds(30)).until(() -> port().isPresent());
    URI base = URI.create("http://127.0.0.1:" + port().orElseThrow());
    try (HttpClient client = HttpClient.newHttpClient()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
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

  /**
   * A job whose perform takes and returns plain values answers its calls, probes and refusals
   * without loading Jackson's data binding (about 600 classes of a java job's memory); its Swagger
   * document, built on the first request for it, loads it.
   */
  @Test
  void plainJob_servesCallsAndProbes_withoutLoadingTheDataBinding(@TempDir Path dir)
      throws Exception {
    Path classLog = dir.resolve("classes.log");
    launch(
        ADDER_ENV,
        TestJobs.Adder.class.getName(),
        "-Xlog:class+load=info:file=" + classLog,
        // as the java job type starts a job: Netty on Java 25 reads its limits through Unsafe
        "-Dsun.misc.unsafe.memory.access=allow");
    await().atMost(Duration.ofSeconds(30)).until(() -> port().isPresent());
    URI base = URI.create("http://127.0.0.1:" + port().orElseThrow());
    try (HttpClient client = HttpClient.newHttpClient()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .until(() -> get(client, base.resolve("/ready")).statusCode() == 200);
      assertThat(get(client, base.resolve("/live")).statusCode()).isEqualTo(200);
      assertThat(get(client, base.resolve("/health")).statusCode()).isEqualTo(200);
      assertThat(get(client, base.resolve("/pub/job/adder/latest/metrics")).statusCode())
          .isEqualTo(200);
      assertThat(perform(client, base, "{\"numbers\": [40, 2]}", "secret-of-adder").body())
          .isEqualTo("42.0");
      assertThat(perform(client, base, "{\"numbers\": [0.5, 1e2, -3]}", "secret-of-adder").body())
          .isEqualTo("97.5");
      assertThat(perform(client, base, "{\"numbers\": [1]}", "wrong").statusCode()).isEqualTo(401);

      assertThat(loaded(classLog, "com.fasterxml.jackson.databind.")).isEmpty();
      // JDK subsystems a job carries for life if anything starts them (docs/benchmarks.md): the
      // log manager (Netty's logger, or Netty's JMX look-up of its memory limit), the date-time
      // formatters (the wrapper's log lines), the locale data (String.format), Netty's adaptive
      // buffer pool (its default allocator, which the job's port does not use)
      assertThat(loaded(classLog, "java.util.logging.")).isEmpty();
      assertThat(loaded(classLog, "java.lang.management.")).isEmpty();
      assertThat(loaded(classLog, "java.time.format.")).isEmpty();
      assertThat(loaded(classLog, "java.text.DecimalFormatSymbols")).isEmpty();
      assertThat(loaded(classLog, "io.netty.buffer.AdaptivePoolingAllocator")).isEmpty();

      // a body the plain reading leaves to the data binding still gets its precise refusal
      HttpResponse<String> refused =
          perform(client, base, "{\"numbers\": [\"40\"]}", "secret-of-adder");
      assertThat(refused.statusCode()).isEqualTo(400);
      assertThat(refused.body()).contains("argument 'numbers'");
      assertThat(get(client, base.resolve("/pub/job/adder/latest/openapi.json")).body())
          .contains("\"numbers\"");
      assertThat(loaded(classLog, "com.fasterxml.jackson.databind.ObjectMapper")).isNotEmpty();
    }
  }

  private static HttpResponse<String> get(HttpClient client, URI uri) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).header(JobCallGuard.HEADER, "secret-of-adder").build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> perform(
      HttpClient client, URI base, String body, String secret) throws Exception {
    return client.send(
        HttpRequest.newBuilder(base.resolve("/pub/job/adder/latest/api/v1/perform"))
            .header(JobCallGuard.HEADER, secret)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The classes of a package (or one class) the JVM logged as loaded. */
  private static List<String> loaded(Path classLog, String prefix) throws IOException {
    return java.nio.file.Files.readAllLines(classLog).stream()
        .filter(line -> line.contains(" " + prefix))
        .toList();
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
