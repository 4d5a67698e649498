package dev.racetrack.server;

import static dev.racetrack.server.PlatformFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.racetrack.testsupport.PluginBundleFixture;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plugins end to end on a platform in this JVM, driven through the CLI: the webhook-notifier sample
 * is bundled from its sources, installed, configured, notifies a real HTTP receiver on deploy and
 * delete, and is uninstalled; two versions of the declarative shell job type sample are installed
 * side by side and {@code 1.x} resolves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PluginsIT {
  private static final Path SAMPLES =
      Path.of(System.getProperty("racetrack.samples", "../samples"));
  private static final String ADDER =
      """
      class Adder:
          def perform(self, numbers: list) -> float:
              return sum(numbers)
      """;

  @TempDir static Path home;
  private PlatformFixture platform;
  private HttpServer receiver;
  private final List<String> notifications = new CopyOnWriteArrayList<>();
  private final List<String> tokens = new CopyOnWriteArrayList<>();

  @BeforeAll
  void start() throws IOException {
    Tools.require("python3");
    Tools.require("bwrap"); // jobs run in the sandbox
    platform = new PlatformFixture(home, Map.of("PLUGIN_HOOK_TIMEOUT_MS", "5000"));
    receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext(
        "/hook",
        exchange -> {
          notifications.add(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          tokens.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Token")));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    receiver.start();
    InProcessCli login =
        InProcessCli.login(home, platform, "admin", PlatformFixture.ADMIN_PASSWORD);
    assertThat(login.exitCode()).as(login.toString()).isZero();
  }

  @AfterAll
  void stop() {
    if (receiver != null) {
      receiver.stop(0);
    }
    if (platform != null) {
      platform.close();
    }
  }

  private String remote() {
    return platform.lifecycle("");
  }

  private InProcessCli cli(String stdin, String... args) {
    return InProcessCli.run(home, stdin, args);
  }

  private Path bundle(String sample, String... extra) throws IOException {
    Path out = Files.createTempDirectory(home, "bundle");
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "plugin", "bundle", SAMPLES.resolve(sample).toString(), "--out", out.toString()));
    args.addAll(List.of(extra));
    InProcessCli bundled = cli("", args.toArray(String[]::new));
    assertThat(bundled.exitCode()).as(bundled.toString()).isZero();
    try (var files = Files.list(out)) {
      return files.filter(f -> f.toString().endsWith(".zip")).findFirst().orElseThrow();
    }
  }

  private static Map<String, Object> manifest(String name, String jobtype) {
    return Map.of(
        "name",
        name,
        "owner_email",
        "dev@example.com",
        "jobtype",
        jobtype,
        "git",
        Map.of("remote", "https://example.com/jobs"),
        "jobtype_extra",
        Map.of("entrypoint_path", "adder.py"));
  }

  @Test
  @Order(1)
  void webhookNotifier_bundledInstalledConfigured_notifiesOnDeployAndDelete() throws Exception {
    Path zip = bundle("plugins/webhook-notifier");
    assertThat(zip.getFileName().toString()).isEqualTo("webhook-notifier-1.0.0.zip");

    InProcessCli install = cli("", "plugin", "install", zip.toString(), "--remote", remote());
    assertThat(install.exitCode()).as(install.toString()).isZero();
    assertThat(install.out()).contains("plugin webhook-notifier 1.0.0 installed");
    assertThat(cli("", "plugin", "list", "--remote", remote()).out()).contains("webhook-notifier");

    String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    var configured =
        platform.put(
            "/api/v1/plugin/webhook-notifier/1.0.0/config",
            Map.of(
                "config_data", "webhook_url: " + hook + "\nheaders:\n  X-Token: sample-token\n"));
    assertThat(configured.statusCode()).as(configured.body()).isEqualTo(200);
    var refused =
        platform.put(
            "/api/v1/plugin/webhook-notifier/1.0.0/config",
            Map.of("config_data", "webhook_url: ftp://x\n"));
    assertThat(json(refused.body()).path("error").asText()).contains("webhook_url");

    String id =
        platform.deploy(manifest("noted", "python3:latest"), Map.of("adder.py", ADDER), Map.of());
    assertThat(platform.awaitDeployment(id).path("status").asText()).isEqualTo("done");
    await().atMost(Duration.ofSeconds(10)).until(() -> notifications.size() == 1);
    JsonNode deployed = json(notifications.getFirst());
    assertThat(deployed.path("event").asText()).isEqualTo("deployed");
    assertThat(deployed.path("job_name").asText()).isEqualTo("noted");
    assertThat(deployed.path("username").asText()).isEqualTo("admin");
    assertThat(tokens).containsOnly("sample-token");

    assertThat(platform.delete("/api/v1/job/noted/0.0.1").statusCode()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> notifications.size() == 2);
    assertThat(json(notifications.get(1)).path("event").asText()).isEqualTo("deleted");

    InProcessCli uninstall =
        cli("", "plugin", "uninstall", "webhook-notifier", "--remote", remote());
    assertThat(uninstall.exitCode()).as(uninstall.toString()).isZero();
    assertThat(cli("", "plugin", "list", "--remote", remote()).out())
        .doesNotContain("webhook-notifier");
    assertThat(
            json(platform.get("/api/v1/audit/activity").body())
                .path("events")
                .findValuesAsText("explanation"))
        .contains(
            "Plugin webhook-notifier 1.0.0 installed by admin",
            "Plugin webhook-notifier 1.0.0 uninstalled by admin");

    String again =
        platform.deploy(manifest("unnoted", "python3:latest"), Map.of("adder.py", ADDER), Map.of());
    assertThat(platform.awaitDeployment(again).path("status").asText()).isEqualTo("done");
    assertThat(notifications).hasSize(2);
  }

  @Test
  @Order(2)
  void shellJobType_twoVersionsSideBySide_wildcardResolvesAndLocalTargetSaysImagesOnly()
      throws Exception {
    for (String version : List.of("1.0.0", "2.0.0")) {
      Path zip = bundle("plugins/shell-job-type", "--plugin-version", version);
      InProcessCli install = cli("", "plugin", "install", zip.toString(), "--remote", remote());
      assertThat(install.exitCode()).as(install.toString()).isZero();
    }
    assertThat(platform.get("/api/v1/plugin/job_type/versions").body())
        .contains("\"shell:1.0.0\"", "\"shell:2.0.0\"", "\"python3:");

    String id =
        platform.deploy(manifest("shelled", "shell:1.x"), Map.of("perform.sh", "cat\n"), Map.of());
    JsonNode deployment = platform.awaitDeployment(id);

    assertThat(deployment.path("status").asText()).isEqualTo("failed");
    assertThat(deployment.toString()).contains("job type shell:1.0.0 builds container images only");

    Path downloaded = home.resolve("shell-2.0.0.zip");
    InProcessCli download =
        cli(
            "",
            "plugin",
            "download",
            "shell",
            "--version",
            "2.0.0",
            "--out",
            downloaded.toString(),
            "--remote",
            remote());
    assertThat(download.exitCode()).as(download.toString()).isZero();
    assertThat(downloaded).isRegularFile();
    InProcessCli uninstall =
        cli("", "plugin", "uninstall", "shell", "--version", "1.0.0", "--remote", remote());
    assertThat(uninstall.exitCode()).as(uninstall.toString()).isZero();
    assertThat(platform.get("/api/v1/plugin/job_type/versions").body())
        .doesNotContain("shell:1.0.0")
        .contains("shell:2.0.0");
  }

  /**
   * A hook plugin in Java: posts "NAME JOB" to the receiver after a deploy, gives the job {@code
   * FROM_NAME=yes}, and, when {@code refuse} is set, refuses manifests of jobs named {@code
   * forbidden-*}; {@code afterDeployBody} replaces the post when given.
   */
  private Path javaHook(String name, int priority, boolean refuse, String afterDeployBody) {
    String post = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/order";
    return PluginBundleFixture.plugin(
            home, name, "1.0.0", "category: core\npriority: " + priority + "\n")
        .javaClass(
            "test." + name.replace("-", "") + ".Hook",
            """
            package test.%s;
            import dev.racetrack.spi.*;
            import dev.racetrack.model.manifest.Manifest;
            import java.net.URI;
            import java.net.http.*;
            import java.util.*;
            public class Hook implements PluginHook {
              @Override public void afterDeploy(JobChange job) {
                %s
              }
              @Override public Map<String, String> runtimeEnvVars() {
                return Map.of("FROM_%s", "yes");
              }
              @Override public void validateManifest(Manifest manifest, String jobTypeKey) {
                if (%s && manifest.name().startsWith("forbidden-")) {
                  throw new IllegalArgumentException("jobs named forbidden-* are not deployed here");
                }
              }
              static void post(String text) {
                try (HttpClient http = HttpClient.newHttpClient()) {
                  http.send(HttpRequest.newBuilder(URI.create("%s"))
                      .POST(HttpRequest.BodyPublishers.ofString(text)).build(),
                      HttpResponse.BodyHandlers.discarding());
                } catch (Exception e) {
                  throw new RuntimeException(e);
                }
              }
            }
            """
                .formatted(
                    name.replace("-", ""),
                    afterDeployBody.isEmpty()
                        ? "post(\"" + name + " \" + job.jobName());"
                        : afterDeployBody,
                    name.toUpperCase(java.util.Locale.ROOT).replace("-", "_"),
                    refuse,
                    post))
        .service("dev.racetrack.spi.PluginHook", "test." + name.replace("-", "") + ".Hook")
        .zip(name + ".zip");
  }

  /**
   * Hooks in a real deployment: manifest validation refuses a job naming the plugin, every plugin's
   * runtime variables reach the job, and after the deploy the hooks run in priority order while one
   * that throws becomes a deployment warning and the others still run.
   */
  @Test
  @Order(4)
  void hooksInADeployment_validateGiveEnvRunInPriorityOrder_andAFailingOneIsAWarning()
      throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    receiver.createContext(
        "/order",
        exchange -> {
          order.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    // installed in another order than they run: priority decides (lower first)
    List<Path> bundles =
        List.of(
            javaHook("second-hook", 30, false, ""),
            javaHook("broken-hook", 20, false, "throw new IllegalStateException(\"boom\");"),
            javaHook("first-hook", 10, true, ""));
    for (Path zip : bundles) {
      InProcessCli install = cli("", "plugin", "install", zip.toString(), "--remote", remote());
      assertThat(install.exitCode()).as(install.toString()).isZero();
    }
    try {
      String refused =
          platform.deploy(
              manifest("forbidden-job", "python3:latest"), Map.of("adder.py", ADDER), Map.of());
      JsonNode failed = platform.awaitDeployment(refused);
      assertThat(failed.path("status").asText()).isEqualTo("failed");
      assertThat(failed.path("error").asText())
          .contains(
              "invalid manifest according to plugin first-hook-1.0.0: jobs named forbidden-* are"
                  + " not deployed here");

      Map<String, Object> manifest = new java.util.HashMap<>(manifest("hooked", "python3:latest"));
      manifest.put("jobtype_extra", Map.of("entrypoint_path", "envjob.py"));
      String id =
          platform.deploy(
              manifest,
              Map.of(
                  "envjob.py",
                  """
                  import os
                  class Job:
                      def perform(self) -> str:
                          return ",".join(os.environ.get(n, "-") for n in
                                          ["FROM_FIRST_HOOK", "FROM_SECOND_HOOK", "FROM_BROKEN_HOOK"])
                  """),
              Map.of());
      JsonNode done = platform.awaitDeployment(id);
      assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("done");
      assertThat(done.path("warnings").asText())
          .contains("plugin broken-hook-1.0.0 failed in after deploy: boom");
      assertThat(order).containsExactly("first-hook hooked", "second-hook hooked");
      assertThat(platform.perform("hooked", "0.0.1", "{}").body()).contains("yes,yes,yes");
    } finally {
      for (String name : List.of("first-hook", "broken-hook", "second-hook")) {
        cli("", "plugin", "uninstall", name, "--remote", remote());
      }
    }
  }

  /** {@code plugin install URL}, a URL that fails, and {@code --replace}. */
  @Test
  @Order(3)
  void installFromAUrl_thenReplace_leavesOnlyTheNewVersion() throws Exception {
    byte[] served =
        Files.readAllBytes(bundle("plugins/shell-job-type", "--plugin-version", "3.0.0"));
    receiver.createContext(
        "/bundles/shell-3.0.0.zip",
        exchange -> {
          exchange.sendResponseHeaders(200, served.length);
          try (var body = exchange.getResponseBody()) {
            body.write(served);
          }
        });
    String base = "http://127.0.0.1:" + receiver.getAddress().getPort();

    InProcessCli missing =
        cli("", "plugin", "install", base + "/bundles/nothing.zip", "--remote", remote());
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.err())
        .contains("downloading " + base + "/bundles/nothing.zip failed: HTTP 404");

    InProcessCli fromUrl =
        cli("", "plugin", "install", base + "/bundles/shell-3.0.0.zip", "--remote", remote());
    assertThat(fromUrl.exitCode()).as(fromUrl.toString()).isZero();
    assertThat(fromUrl.out()).contains("plugin shell 3.0.0 installed");
    assertThat(platform.get("/api/v1/plugin/job_type/versions").body())
        .contains("\"shell:2.0.0\"", "\"shell:3.0.0\"");

    Path four = bundle("plugins/shell-job-type", "--plugin-version", "4.0.0");
    InProcessCli replaced =
        cli("", "plugin", "install", four.toString(), "--replace", "--remote", remote());
    assertThat(replaced.exitCode()).as(replaced.toString()).isZero();
    assertThat(platform.get("/api/v1/plugin/job_type/versions").body())
        .contains("\"shell:4.0.0\"")
        .doesNotContain("shell:2.0.0", "shell:3.0.0");
    assertThat(
            json(platform.get("/api/v1/audit/activity").body())
                .path("events")
                .findValuesAsText("explanation"))
        .contains(
            "Plugin shell 2.0.0 uninstalled by admin",
            "Plugin shell 3.0.0 uninstalled by admin",
            "Plugin shell 4.0.0 installed by admin");
  }
}
