package dev.racetrack.java;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.Sandbox;
import dev.racetrack.testsupport.FreePort;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaJobTypeTest {
  private static final String ADDER =
      """
      package demo;

      public class Adder {
        public int perform(int a, int b) {
          return a + b;
        }
      }
      """;

  @TempDir Path tmp;
  private final List<String> log = new CopyOnWriteArrayList<>();

  private static Manifest manifest() {
    return manifest(Map.of());
  }

  private static Manifest manifest(Map<String, Object> extra) {
    Map<String, Object> raw = new HashMap<>(extra);
    raw.put("name", "adder");
    raw.put("owner_email", "a@example.com");
    raw.put("jobtype", "java:latest");
    raw.put("git", Map.of("remote", "https://example.com/x"));
    return new ManifestValidator().validate(raw, "job.yaml").manifest();
  }

  private JobBuild build(Path source, Path artifact, Sandbox sandbox) {
    return build(manifest(), source, artifact, sandbox);
  }

  private JobBuild build(Manifest manifest, Path source, Path artifact, Sandbox sandbox) {
    return new JobBuild(
        manifest,
        source,
        artifact,
        Map.of(),
        Map.of("PATH", System.getenv("PATH")),
        BuildProgress.logTo(log::add),
        sandbox);
  }

  private Path source(String className, String code) throws IOException {
    Path source = Files.createDirectories(tmp.resolve("data/workspaces/d1"));
    Path file = source.resolve("src/main/java/demo/" + className + ".java");
    Files.createDirectories(file.getParent());
    Files.writeString(file, code);
    return source;
  }

  private Sandbox bwrap() {
    Tools.require("bwrap");
    return Sandbox.create(
        Sandbox.Mode.BWRAP, List.of(tmp.resolve("data")), p -> Sandbox.onPath(System.getenv(), p));
  }

  @Test
  void jvmOptions_localAndImage_turnOffNettysFlightRecorderEvents_beforeTheJobsOwnArgs() {
    Manifest manifest = manifest(Map.of("jobtype_extra", Map.of("jvm_args", List.of("-Dx=1"))));

    for (List<String> trim :
        List.of(
            JavaJobType.TRIM_NATIVE_HEAP,
            JavaJobType.TRIM_NATIVE_HEAP_UNLOCKED,
            List.<String>of())) {
      List<String> options = JavaJobType.jvmOptions(manifest, trim);
      assertThat(options)
          .containsSubsequence(
              "-XX:+UseSerialGC",
              "-XX:-TieredCompilation",
              "-Xshare:off",
              "-Dio.netty.jfr.enabled=false",
              "-Dsun.misc.unsafe.memory.access=allow",
              "--enable-native-access=ALL-UNNAMED",
              "-Dx=1");
      assertThat(options.getLast()).isEqualTo("-Dx=1");
    }
  }

  @Test
  void buildLocal_compilesWithJavacInTheSandbox_andRunsOnTheJdkReadOnly() throws IOException {
    Path source = source("Adder", ADDER);
    Path artifact = Files.createDirectories(tmp.resolve("data/artifacts/adder/t1"));
    List<Sandbox.Spec> confined = new CopyOnWriteArrayList<>();
    Sandbox sandbox = bwrap();
    Sandbox recording =
        new Sandbox() {
          @Override
          public ProcessBuilder processBuilder(Spec spec) {
            confined.add(spec);
            return sandbox.processBuilder(spec);
          }

          @Override
          public ProcessHandle handleOf(Process started) {
            return sandbox.handleOf(started);
          }

          @Override
          public String describe() {
            return "recording";
          }

          @Override
          public boolean confines() {
            return true;
          }
        };

    LaunchSpec spec = new JavaJobType().buildLocal(build(source, artifact, recording));

    assertThat(artifact.resolve("classes/demo/Adder.class")).exists();
    assertThat(confined)
        .singleElement()
        .satisfies(
            step -> {
              assertThat(step.command().getFirst()).endsWith("/bin/javac");
              assertThat(step.writable()).containsExactly(artifact);
              assertThat(step.dieWithParent()).isTrue();
            });
    assertThat(spec.runtimePaths())
        .containsExactly(Path.of(System.getProperty("java.home")).toRealPath().toString());
    assertThat(spec.command().getFirst()).endsWith("/bin/java");
  }

  @Test
  void buildLocal_compileError_showsTheCompilerMessagesInTheBuildLog() throws IOException {
    Path source = source("Adder", ADDER.replace("return a + b;", "return a + ;"));
    Path artifact = Files.createDirectories(tmp.resolve("data/artifacts/adder/t2"));

    assertThatThrownBy(() -> new JavaJobType().buildLocal(build(source, artifact, bwrap())))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("compiling the job failed");
    assertThat(String.join("\n", log)).contains("Adder.java:5: error: illegal start of expression");
  }

  @Test
  void buildLocal_jobRunsFromItsArtifact_onTheNettyWrapper_withCallTimeoutAndSmallJvmFlags()
      throws Exception {
    Path source = source("Adder", ADDER);
    Path artifact = Files.createDirectories(tmp.resolve("data/artifacts/adder/t3"));
    Manifest manifest = manifest(Map.of("call_timeout", 7));

    LaunchSpec spec =
        new JavaJobType()
            .buildLocal(build(manifest, source, artifact, bwrap()))
            .resolve(artifact.toString());

    assertThat(spec.env()).containsEntry("JOB_CALL_TIMEOUT", "7");
    assertThat(spec.command()).containsSequence(JavaJobType.JVM_FLAGS);
    int port = FreePort.find();
    ProcessBuilder job =
        new ProcessBuilder(spec.command())
            .directory(artifact.resolve(spec.workingDir()).toFile())
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("job.log").toFile());
    job.environment().putAll(spec.env());
    Path classLog = tmp.resolve("classes.log");
    job.environment()
        .putAll(
            Map.of(
                "JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + classLog,
                "JOB_NAME", "adder",
                "JOB_VERSION", "0.0.1",
                "JOB_HTTP_ADDR", "127.0.0.1",
                "JOB_HTTP_PORT", Integer.toString(port),
                "RACETRACK_JOB_CALL_SECRET", "s3cret"));
    Process process = job.start();
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpRequest perform =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/perform"))
              .header("X-Racetrack-Job-Secret", "s3cret")
              .POST(HttpRequest.BodyPublishers.ofString("{\"a\": 40, \"b\": 2}"))
              .build();
      await()
          .atMost(Duration.ofSeconds(30))
          .ignoreExceptions()
          .untilAsserted(
              () ->
                  assertThat(client.send(perform, HttpResponse.BodyHandlers.ofString()).body())
                      .isEqualTo("42"));
      assertThat(Files.readString(tmp.resolve("job.log")))
          .contains("(epoll)")
          .doesNotContain("restricted method");
      // Netty's transport came from the artifact's library directory, not copied out of its jar
      // into a temporary file (which loads SecureRandom and the security providers)
      assertThat(artifact.resolve("native/libnetty_transport_native_epoll_x86_64.so")).exists();
      assertThat(spec.command())
          .contains(
              "-Djava.library.path="
                  + artifact.resolve("native")
                  + ":"
                  + JavaJobType.DEFAULT_LIBRARY_PATH);
      assertThat(Files.readAllLines(classLog))
          .noneMatch(line -> line.contains(" java.nio.file.TempFileHelper "))
          .noneMatch(line -> line.contains(" java.security.SecureRandom "));
    } finally {
      process.destroyForcibly().waitFor();
    }
  }

  @Test
  void unpackNativeLibraries_takesTheSharedLibrariesOfNettysNativeJars_only(@TempDir Path dir)
      throws IOException {
    Path nativeJar = dir.resolve("netty-transport-native-epoll-4.2.18.Final-linux-x86_64.jar");
    jar(
        nativeJar,
        Map.of(
            "META-INF/native/libnetty_transport_native_epoll_x86_64.so", "elf",
            "META-INF/native/../escape.so", "no",
            "META-INF/native/sub/libnested.so", "no",
            "META-INF/native/include/netty.h", "no",
            "io/netty/Thing.class", "no"));
    Path otherJar = dir.resolve("netty-codec-http-4.2.18.Final.jar");
    jar(otherJar, Map.of("META-INF/native/libother.so", "no"));
    Path into = dir.resolve("out/native");

    List<String> option =
        JavaJobType.unpackNativeLibraries(List.of(nativeJar, otherJar), into, "/app/native");

    assertThat(option)
        .containsExactly("-Djava.library.path=/app/native:" + JavaJobType.DEFAULT_LIBRARY_PATH);
    try (Stream<Path> files = Files.list(into)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactly("libnetty_transport_native_epoll_x86_64.so");
    }
    assertThat(into.resolve("libnetty_transport_native_epoll_x86_64.so")).hasContent("elf");
    assertThat(dir.resolve("out/escape.so")).doesNotExist();
    assertThat(JavaJobType.unpackNativeLibraries(List.of(otherJar), dir.resolve("none"), "/x"))
        .isEmpty();
    assertThat(dir.resolve("none")).doesNotExist();
  }

  private static void jar(Path jar, Map<String, String> entries) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(jar))) {
      for (Map.Entry<String, String> entry : entries.entrySet()) {
        zip.putNextEntry(new ZipEntry(entry.getKey()));
        zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
  }
}
