package dev.racetrack.python3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.BuildCache;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.ImagePlan;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.Sandbox;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * pip downloads are cached between the builds of one job family, and only that family's: builds
 * against a package index served over HTTP from this test (the machine's wheel mirror, /opt/pypi).
 */
class Python3PipCacheIT {
  private static final Path MIRROR = Path.of("/opt/pypi");
  private static final String WHEEL = "/files/six-1.17.0-py2.py3-none-any.whl";

  @TempDir Path tmp;
  private HttpServer index;
  private final Map<String, AtomicInteger> downloads = new ConcurrentHashMap<>();
  private final Python3JobType jobType = new Python3JobType();

  @BeforeEach
  void serveTheMirror() throws IOException {
    Tools.require("bwrap");
    Tools.require("python3");
    Tools.requireThat(
        Files.isRegularFile(MIRROR.resolve(WHEEL.substring(1))),
        "the wheel mirror " + MIRROR + " holding " + WHEEL);
    index = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    index.createContext("/", this::serve);
    index.start();
  }

  @AfterEach
  void stop() {
    if (index != null) {
      index.stop(0);
    }
  }

  /** Serves the mirror as a real index does (PyPI's files carry a long max-age). */
  private void serve(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      downloads.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      Path file = MIRROR.resolve(path.substring(1)).normalize();
      if (Files.isDirectory(file)) {
        file = file.resolve("index.html");
      }
      if (!file.startsWith(MIRROR) || !Files.isRegularFile(file)) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      exchange.getResponseHeaders().set("Cache-Control", "max-age=3600");
      exchange
          .getResponseHeaders()
          .set("Content-Type", path.endsWith(".whl") ? "application/octet-stream" : "text/html");
      exchange.sendResponseHeaders(200, Files.size(file));
      try (OutputStream body = exchange.getResponseBody()) {
        Files.copy(file, body);
      }
    }
  }

  private int wheelDownloads() {
    return downloads.getOrDefault(WHEEL, new AtomicInteger()).get();
  }

  private Map<String, String> toolEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", System.getProperty("user.home"));
    env.put("PIP_INDEX_URL", "http://127.0.0.1:" + index.getAddress().getPort() + "/simple");
    env.put("PIP_TRUSTED_HOST", "127.0.0.1"); // pip caches nothing from an untrusted http index
    env.put("PIP_CONFIG_FILE", "/dev/null"); // this machine's pip.conf points at file:// mirrors
    env.put("PIP_DISABLE_PIP_VERSION_CHECK", "1");
    return env;
  }

  private Path source() throws IOException {
    Path source = Files.createDirectories(tmp.resolve("src"));
    Files.writeString(
        source.resolve("a.py"), "class A:\n    def perform(self):\n        return 1\n");
    Files.writeString(source.resolve("requirements.txt"), "six\n");
    return source;
  }

  private static Manifest manifest(String name) {
    return new ManifestValidator()
        .validate(
            Map.of(
                "name",
                name,
                "owner_email",
                "a@example.com",
                "jobtype",
                "python3:latest",
                "git",
                Map.of("remote", "https://example.com/x"),
                "jobtype_extra",
                Map.of("entrypoint_path", "a.py", "requirements_path", "requirements.txt")),
            "job.yaml")
        .manifest();
  }

  /** One local build of {@code family}, laid out as the image builder does; returns its log. */
  private List<String> buildLocal(String family, String tag, Map<String, String> toolEnv)
      throws IOException {
    Path data = tmp.resolve("data");
    Path artifact = Files.createDirectories(data.resolve("artifacts/" + family + "/1/" + tag));
    List<String> log = new CopyOnWriteArrayList<>();
    jobType.buildLocal(
        new JobBuild(
            manifest(family),
            source(),
            artifact,
            Map.of(),
            toolEnv,
            Python3JobTypeTest.logTo(log),
            // the data directory is hidden from build steps, as in the image builder
            Sandbox.create(
                Sandbox.Mode.BWRAP, List.of(data), p -> Sandbox.onPath(System.getenv(), p)),
            Optional.of(BuildCache.root(data))));
    try (Stream<Path> files = Files.walk(artifact.resolve("venv"))) {
      assertThat(files.map(p -> p.getFileName().toString())).contains("six.py");
    }
    return log;
  }

  @Test
  void buildLocal_secondBuildOfAFamily_installsFromItsPipCache() throws IOException {
    List<String> first = buildLocal("adder", "t1", toolEnv());
    assertThat(String.join("\n", first)).contains("Downloading").doesNotContain("Using cached");
    assertThat(wheelDownloads()).isEqualTo(1);

    List<String> second = buildLocal("adder", "t2", toolEnv());

    assertThat(String.join("\n", second)).contains("Using cached").contains("six-1.17.0");
    assertThat(wheelDownloads()).as("downloads of the wheel").isEqualTo(1);
    assertThat(tmp.resolve("data/cache/pip/adder")).isNotEmptyDirectory();
  }

  @Test
  void buildLocal_anotherFamily_neverUsesTheFirstFamilysCache() throws IOException {
    buildLocal("adder", "t1", toolEnv());

    List<String> other = buildLocal("other", "t1", toolEnv());

    assertThat(String.join("\n", other)).contains("Downloading").doesNotContain("Using cached");
    assertThat(wheelDownloads()).isEqualTo(2);
    assertThat(tmp.resolve("data/cache/pip/other")).isNotEmptyDirectory();
  }

  @Test
  void buildImage_dependencyStep_mountsTheFamilysPipCache() throws IOException {
    Path data = tmp.resolve("data");
    ImagePlan plan =
        jobType.buildImage(
            new JobBuild(
                manifest("adder"),
                source(),
                tmp.resolve("staged"),
                Map.of(),
                Map.of("PIP_CACHE_MAX_MB", "7", "PIP_INDEX_URL", "https://pypi.example/simple"),
                BuildProgress.discard(),
                Sandbox.none(),
                Optional.of(BuildCache.root(data))));

    ImagePlan.DependencyStep step = plan.dependencies().orElseThrow();
    assertThat(step.cache()).contains(new BuildCache(data.resolve("cache/pip/adder"), 7L << 20));
    assertThat(step.env())
        .containsEntry("PIP_CACHE_DIR", ImagePlan.DependencyStep.CACHE)
        .doesNotContainKey("PIP_NO_CACHE_DIR")
        .doesNotContainKey("PIP_CACHE_MAX_MB");
  }

  @Test
  void buildLocal_invalidCacheLimit_failsNamingTheVariable() throws IOException {
    Map<String, String> env = toolEnv();
    env.put("PIP_CACHE_MAX_MB", "lots");

    assertThatThrownBy(() -> buildLocal("adder", "t1", env))
        .isInstanceOf(BuildException.class)
        .hasMessageContaining("PIP_CACHE_MAX_MB")
        .hasMessageContaining("'lots'");
  }
}
