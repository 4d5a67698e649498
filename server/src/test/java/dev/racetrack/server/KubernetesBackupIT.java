package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.racetrack.kubernetes.ClusterFixture;
import dev.racetrack.lifecycle.admin.AdminCommands;
import dev.racetrack.lifecycle.admin.AdminContext;
import dev.racetrack.local.LocalInfrastructurePlugin;
import dev.racetrack.model.Json;
import dev.racetrack.python3.Python3JobType;
import dev.racetrack.spi.Plugins;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Backup and restore of a platform whose job runs on the Kubernetes target (fabric8's mock API
 * server with {@link ClusterFixture}'s kubelet stand-in), whose stored job secrets are the
 * cluster's Secrets, not files of the data directory: the backup reads them from the cluster,
 * sealed in the file; a platform started on the restored data directory writes them back.
 */
class KubernetesBackupIT {
  private static final String IMAGE =
      "registry.example/racetrack/job-entrypoint/keeper@sha256:" + "cd".repeat(32);
  private static final String PASSPHRASE = "passphrase of the kubernetes backup";

  @TempDir Path home;
  @TempDir Path restoredHome;
  private ClusterFixture cluster;
  private HttpServer builder;
  private PlatformFixture platform;

  @BeforeEach
  void start() throws IOException {
    cluster = new ClusterFixture();
    builder = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    builder.createContext("/api/v1/build/sse", KubernetesBackupIT::build);
    builder.start();
    platform = new PlatformFixture(home, env(), plugins());
  }

  @AfterEach
  void stop() {
    if (platform != null) {
      platform.close();
    }
    if (builder != null) {
      builder.stop(0);
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private Map<String, String> env() {
    return Map.of(
        "IMAGE_BUILDER_URL",
        "http://127.0.0.1:" + builder.getAddress().getPort(),
        "KUBERNETES_POLL_MILLIS",
        "20",
        "INFRASTRUCTURE_TARGET",
        "kubernetes");
  }

  private Plugins plugins() {
    return new Plugins(
        List.of(new Python3JobType()),
        List.of(new LocalInfrastructurePlugin("local"), cluster.plugin()));
  }

  /** The stand-in image builder: every build is the same digest-pinned image. */
  private static void build(HttpExchange exchange) throws IOException {
    try (exchange) {
      exchange.getRequestBody().transferTo(OutputStream.nullOutputStream());
      byte[] body =
          ("event: result\ndata: "
                  + Json.write(Map.of("image_name", IMAGE, "logs", "", "warnings", List.of()))
                  + "\n\n")
              .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  @Test
  void backup_carriesTheSecretsTheClusterHolds_andTheRestoredPlatformWritesThemBack()
      throws Exception {
    String deployment =
        platform.deploy(
            Map.of(
                "name", "keeper",
                "version", "0.0.1",
                "owner_email", "dev@example.com",
                "jobtype", "python3:latest",
                "infrastructure_target", "kubernetes",
                "git", Map.of("remote", "https://example.com/jobs"),
                "jobtype_extra", Map.of("entrypoint_path", "job.py")),
            Map.of("job.py", "# built by the stand-in image builder\n"),
            Map.of(
                "secret_vars",
                Map.of(
                    "build_env", Map.of(),
                    "runtime_env", Map.of("API_KEY", "runtime-secret-in-the-cluster"))));
    assertThat(platform.awaitDeployment(deployment).path("status").asText()).isEqualTo("done");
    Map<String, String> stored = cluster.storedSecrets("keeper", "0.0.1");
    assertThat(stored.toString()).contains("runtime-secret-in-the-cluster");

    Path file = home.resolve("k8s.rtbackup");
    Admin backup = admin(platform.env(), "backup", file.toString());
    assertThat(backup.exit()).as(backup.err()).isZero();
    assertThat(backup.out()).contains("job secrets held by infrastructure targets: 1 files");
    assertThat(Files.readString(file, StandardCharsets.ISO_8859_1))
        .doesNotContain("runtime-secret-in-the-cluster");

    // the platform is gone, its cluster's Secrets too; the backup is restored elsewhere
    platform.close();
    platform = null;
    cluster.deleteStoredSecrets("keeper", "0.0.1");
    assertThat(cluster.storedSecrets("keeper", "0.0.1")).isEmpty();
    Map<String, String> restoredEnv = new HashMap<>(env());
    restoredEnv.put("RACETRACK_DATA_DIR", restoredHome.resolve("data").toString());
    Admin restore = admin(restoredEnv, "restore", file.toString());
    assertThat(restore.exit()).as(restore.out() + restore.err()).isZero();
    Path sealed =
        restoredHome.resolve(
            "data/infrastructure/kubernetes/secrets-to-restore/keeper/0.0.1.sealed");
    assertThat(sealed).exists();
    assertThat(Files.readString(sealed)).doesNotContain("runtime-secret-in-the-cluster");

    platform = new PlatformFixture(restoredHome, env(), plugins());
    assertThat(cluster.storedSecrets("keeper", "0.0.1")).isEqualTo(stored);
    assertThat(sealed).doesNotExist();
  }

  private record Admin(int exit, String out, String err) {}

  private Admin admin(Map<String, String> env, String... args) {
    Map<String, String> withPassphrase = new HashMap<>(env);
    withPassphrase.put("RACETRACK_BACKUP_PASSPHRASE", PASSPHRASE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        AdminCommands.commandLine(
                new AdminContext(
                    withPassphrase,
                    new ByteArrayInputStream(new byte[0]),
                    new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8),
                    this::plugins))
            .execute(args);
    return new Admin(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
