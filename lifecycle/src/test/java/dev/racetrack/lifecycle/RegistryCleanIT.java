package dev.racetrack.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.lifecycle.admin.AdminCommands;
import dev.racetrack.lifecycle.admin.AdminContext;
import dev.racetrack.testsupport.Containers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code racetrack admin registry-clean} against the real registry of {@code .ci/containers.sh}:
 * small images pushed through the v2 API in a repository prefix of this test's own, some of them
 * the images of jobs in the database.
 */
class RegistryCleanIT {
  private static final String SHARED_LAYER = "a layer every image has";

  private Containers containers;
  private LifecycleFixture lifecycle;
  private final HttpClient http = HttpClient.newHttpClient();
  private final String namespace =
      "jobimages-clean-" + UUID.randomUUID().toString().substring(0, 8);
  private final Map<String, Long> uniqueBytes = new HashMap<>();
  private final List<String[]> pushed = new ArrayList<>();

  @BeforeEach
  void start() {
    containers = Containers.require();
    lifecycle = new LifecycleFixture(Map.of());
  }

  @AfterEach
  void stop() throws Exception {
    for (String[] image : pushed) {
      registry("DELETE", "/v2/" + image[0] + "/manifests/" + image[1], null, null);
    }
    if (lifecycle != null) { // null when the test was skipped for want of docker and a registry
      lifecycle.close();
    }
  }

  @Test
  void registryClean_dryRunChangesNothing_applyDeletesExactlyTheUnusedBeyondTheNewest()
      throws Exception {
    String adder = namespace + "/job-entrypoint/adder";
    String gone = namespace + "/job-entrypoint/gone";
    String notAJob = namespace + "/base/python";
    String inUseOld = push(adder, "2026-01-01T000001", "in use by adder 1.0.0");
    push(adder, "2026-01-02T000001", "unused b");
    push(adder, "2026-01-03T000001", "unused c");
    String kept = push(adder, "2026-01-04T000001", "newest but one");
    push(adder, "2026-01-05T000001", "newest");
    // an older tag of the same image as a kept tag (an unchanged redeploy): never deleted
    push(adder, "2026-01-00T000001", "newest but one");
    push(gone, "2026-01-01T000001", "of a deleted job");
    push(gone, "2026-01-02T000001", "gone 2");
    push(gone, "2026-01-03T000001", "gone 3");
    push(notAJob, "3.11", "not a job image");
    job("adder", "1.0.0", registryHost() + "/" + adder + "@" + inUseOld);
    job("adder", "2.0.0", registryHost() + "/" + adder + ":2026-01-04T000001");
    deploymentOfDeletedJob(
        "gone", registryHost() + "/" + gone + "@" + digestOf("of a deleted job"));
    Map<String, List<String>> before = tags(adder, gone, notAJob);

    String dryRun = runAdmin("registry-clean", "--keep", "2");

    assertThat(tags(adder, gone, notAJob)).isEqualTo(before);
    assertThat(dryRun)
        .contains("would remove " + adder + ":2026-01-03T000001")
        .contains("would remove " + adder + ":2026-01-02T000001")
        .contains("would remove " + gone + ":2026-01-01T000001")
        .contains("dry run");
    long expectedBytes =
        uniqueBytes.get("unused b")
            + uniqueBytes.get("unused c")
            + uniqueBytes.get("of a deleted job");
    assertThat(dryRun)
        .contains("would remove 3 image(s)")
        .contains("(" + expectedBytes + " bytes)");

    String applied = runAdmin("registry-clean", "--keep", "2", "--apply");

    assertThat(applied).contains("removed 3 image(s)");
    assertThat(tags(adder, gone, notAJob))
        .containsEntry(
            adder,
            List.of(
                "2026-01-00T000001", "2026-01-01T000001", "2026-01-04T000001", "2026-01-05T000001"))
        .containsEntry(gone, List.of("2026-01-02T000001", "2026-01-03T000001"))
        .containsEntry(notAJob, List.of("3.11"));
    assertThat(kept).isEqualTo(digestOf("newest but one"));
  }

  @Test
  void registryClean_withoutARegistry_saysWhichVariableIsMissing() {
    assertThat(runAdminWith(Map.of(), "registry-clean")).contains("DOCKER_REGISTRY is not set");
  }

  // ---- database

  private void job(String name, String version, String image) {
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              h.execute(
                  "INSERT INTO registry_jobfamily (id, name) VALUES (?, ?) ON CONFLICT (name) DO NOTHING",
                  "fam-" + name,
                  name);
              String family =
                  h.createQuery("SELECT id FROM registry_jobfamily WHERE name = ?")
                      .bind(0, name)
                      .mapTo(String.class)
                      .one();
              h.execute(
                  "INSERT INTO registry_job (id, family_id, name, version, status) VALUES (?, ?, ?, ?, 'running')",
                  UUID.randomUUID().toString(),
                  family,
                  name,
                  version);
              deployment(h, name, version, image);
            });
  }

  private void deploymentOfDeletedJob(String name, String image) {
    lifecycle.jdbi().useHandle(h -> deployment(h, name, "1.0.0", image));
  }

  private static void deployment(
      org.jdbi.v3.core.Handle h, String name, String version, String image) {
    h.execute(
        "INSERT INTO registry_deployment (id, status, manifest, job_name, job_version, image_name)"
            + " VALUES (?, 'done', '{}', ?, ?, ?)",
        UUID.randomUUID().toString(),
        name,
        version,
        image);
  }

  // ---- admin command

  private String runAdmin(String... args) {
    Map<String, String> env = new HashMap<>();
    env.put("DOCKER_REGISTRY", registryHost());
    env.put("DOCKER_REGISTRY_NAMESPACE", namespace);
    env.put("DOCKER_REGISTRY_USERNAME", containers.registryUser());
    env.put("DOCKER_REGISTRY_PASSWORD", containers.registryPassword());
    env.put("DOCKER_REGISTRY_INSECURE", "true");
    return runAdminWith(env, args);
  }

  private String runAdminWith(Map<String, String> registryEnv, String... args) {
    Map<String, String> env = new HashMap<>(registryEnv);
    env.put("RACETRACK_DATA_DIR", lifecycle.dataDir().toString());
    env.put("AUTH_KEY", LifecycleFixture.AUTH_KEY);
    env.put("DATABASE_URL", lifecycle.jdbcUrl());
    env.put("POSTGRES_USER", "postgres");
    env.put("POSTGRES_PASSWORD", "");
    env.put("POSTGRES_SCHEMA", lifecycle.schema());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
    AdminCommands.commandLine(
            new AdminContext(env, new ByteArrayInputStream(new byte[0]), print, print))
        .execute(args);
    return out.toString(StandardCharsets.UTF_8);
  }

  // ---- registry

  private String registryHost() {
    return containers.registry();
  }

  /** Pushes a one-layer image (plus the shared layer); returns its manifest digest. */
  private String push(String repository, String tag, String content) throws Exception {
    byte[] shared = SHARED_LAYER.getBytes(StandardCharsets.UTF_8);
    byte[] layer = content.getBytes(StandardCharsets.UTF_8);
    byte[] config =
        ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
                + "\"diff_ids\":[\""
                + sha256(shared)
                + "\",\""
                + sha256(layer)
                + "\"]},\"comment\":\""
                + content
                + "\"}")
            .getBytes(StandardCharsets.UTF_8);
    for (byte[] blob : List.of(shared, layer, config)) {
      upload(repository, blob);
    }
    uniqueBytes.put(content, (long) layer.length + config.length);
    byte[] manifest = manifest(shared, layer, config);
    HttpResponse<String> response =
        registry(
            "PUT",
            "/v2/" + repository + "/manifests/" + tag,
            manifest,
            "application/vnd.oci.image.manifest.v1+json");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    String digest = sha256(manifest);
    pushed.add(new String[] {repository, digest});
    return digest;
  }

  private String digestOf(String content) {
    byte[] shared = SHARED_LAYER.getBytes(StandardCharsets.UTF_8);
    byte[] layer = content.getBytes(StandardCharsets.UTF_8);
    return pushed.stream()
        .map(p -> p[1])
        .filter(
            d -> {
              try {
                return d.equals(sha256(manifest(shared, layer, configOf(shared, layer, content))));
              } catch (Exception e) {
                return false;
              }
            })
        .findFirst()
        .orElseThrow();
  }

  private static byte[] configOf(byte[] shared, byte[] layer, String content) throws Exception {
    return ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
            + "\"diff_ids\":[\""
            + sha256(shared)
            + "\",\""
            + sha256(layer)
            + "\"]},\"comment\":\""
            + content
            + "\"}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] manifest(byte[] shared, byte[] layer, byte[] config) throws Exception {
    return ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
            + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
            + sha256(config)
            + "\",\"size\":"
            + config.length
            + "},\"layers\":["
            + descriptor(shared)
            + ","
            + descriptor(layer)
            + "]}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String descriptor(byte[] blob) throws Exception {
    return "{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
        + sha256(blob)
        + "\",\"size\":"
        + blob.length
        + "}";
  }

  private void upload(String repository, byte[] blob) throws Exception {
    HttpResponse<String> started =
        registry("POST", "/v2/" + repository + "/blobs/uploads/", null, null);
    assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
    String location = started.headers().firstValue("Location").orElseThrow();
    String url =
        (location.startsWith("http") ? location : "http://" + registryHost() + location)
            + (location.contains("?") ? "&" : "?")
            + "digest="
            + sha256(blob);
    HttpResponse<String> done =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", containers.registryAuthorization())
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(blob))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(done.statusCode()).as(done.body()).isEqualTo(201);
  }

  private Map<String, List<String>> tags(String... repositories) throws Exception {
    Map<String, List<String>> all = new HashMap<>();
    for (String repository : repositories) {
      HttpResponse<String> response =
          registry("GET", "/v2/" + repository + "/tags/list", null, null);
      List<String> tags = new ArrayList<>();
      if (response.statusCode() == 200) {
        dev.racetrack.model.Json.mapper()
            .readTree(response.body())
            .path("tags")
            .forEach(t -> tags.add(t.asText()));
      }
      tags.sort(null);
      all.put(repository, tags);
    }
    return all;
  }

  private HttpResponse<String> registry(String method, String path, byte[] body, String type)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://" + registryHost() + path))
            .header("Authorization", containers.registryAuthorization())
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(body));
    if (type != null) {
      request.header("Content-Type", type);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
