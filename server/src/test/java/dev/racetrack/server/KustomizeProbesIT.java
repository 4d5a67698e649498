package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.dashboard.DashboardApp;
import dev.racetrack.dashboard.config.DashboardConfig;
import dev.racetrack.imagebuilder.ImageBuilderApp;
import dev.racetrack.imagebuilder.ImageBuilderConfig;
import dev.racetrack.lifecycle.LifecycleApp;
import dev.racetrack.lifecycle.LifecycleConfig;
import dev.racetrack.lifecycle.SupervisorApp;
import dev.racetrack.local.LocalInfrastructurePlugin;
import dev.racetrack.model.FileTrees;
import dev.racetrack.pub.PubConfig;
import dev.racetrack.pub.PubServer;
import dev.racetrack.pub.async.AsyncConfig;
import dev.racetrack.python3.Python3JobType;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.KustomizeDev;
import dev.racetrack.testsupport.PostgresFixture;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The health checks of {@code kustomize/dev} called on the components themselves: each component
 * runs on its own, as in its pod (lifecycle without the supervisor loop, the supervisor beside it
 * on the same database, the image builder, PUB and the dashboard each with its own configuration),
 * and every liveness and readiness probe of the rendered Deployments, and every init container's
 * wait for lifecycle, is sent to the component it names and answered 200.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KustomizeProbesIT {
  private static final String AUTH_KEY = "kustomize-probes-it-auth-key-0123456789abcdef";
  private static final String INTERNAL_TOKEN = "kustomize-probes-it-internal-token-0123456789";

  /** A wait in an init container: {@code wget ... http://SERVICE:PORT/PATH}. */
  private static final Pattern WAIT =
      Pattern.compile("https?://([a-z0-9-]+):([0-9]+)(/[^\\s;\"']*)");

  private final List<AutoCloseable> components = new ArrayList<>();

  /** Component image (its name in {@code make docker-push}) -> the port it listens on here. */
  private final Map<String, Integer> ports = new LinkedHashMap<>();

  private final HttpClient http = HttpClient.newHttpClient();
  private PostgresFixture postgres;
  private Path dataDir;
  private List<JsonNode> objects;

  @BeforeAll
  void start() throws IOException {
    objects = KustomizeDev.render();
    postgres = PostgresFixture.start();
    dataDir = Files.createTempDirectory("kustomize-probes");
    Plugins plugins =
        new Plugins(List.of(new Python3JobType()), List.of(new LocalInfrastructurePlugin("local")));

    Map<String, String> lifecycleEnv = common("lifecycle");
    lifecycleEnv.put("LIFECYCLE_PORT", "0");
    lifecycleEnv.put("RACETRACK_ADMIN_PASSWORD", "kustomize-probes-it-admin");
    LifecycleConfig lifecycleConfig =
        LifecycleConfig.fromEnv(lifecycleEnv, AUTH_KEY, INTERNAL_TOKEN);
    LifecycleApp lifecycle =
        add(LifecycleApp.start(lifecycleConfig, plugins, Clock.systemUTC(), false));
    ports.put("lifecycle", lifecycle.port());
    String lifecycleUrl = "http://127.0.0.1:" + lifecycle.port();

    Map<String, String> supervisorEnv = common("supervisor");
    supervisorEnv.put("SUPERVISOR_PORT", "0");
    SupervisorApp supervisor =
        add(
            SupervisorApp.start(
                LifecycleConfig.fromEnv(supervisorEnv, AUTH_KEY, ""), plugins, Clock.systemUTC()));
    ports.put("supervisor", supervisor.port());

    Map<String, String> builderEnv = common("image-builder");
    builderEnv.put("IMAGE_BUILDER_PORT", "0");
    ImageBuilderApp builder =
        add(
            ImageBuilderApp.start(
                ImageBuilderConfig.fromEnv(builderEnv, INTERNAL_TOKEN),
                plugins,
                Clock.systemUTC(),
                "test"));
    ports.put("image-builder", builder.port());

    Map<String, String> pubEnv = common("pub");
    pubEnv.put("PUB_PORT", "0");
    pubEnv.put("LIFECYCLE_URL", lifecycleUrl + "/lifecycle");
    PubServer pub =
        add(
            PubServer.start(
                PubConfig.fromEnv(pubEnv, INTERNAL_TOKEN, lifecycleConfig.jobCallKey()),
                AsyncConfig.fromEnv(pubEnv),
                Clock.systemUTC(),
                "test"));
    ports.put("pub", pub.port());

    Map<String, String> dashboardEnv = common("dashboard");
    dashboardEnv.put("DASHBOARD_PORT", "0");
    dashboardEnv.put("LIFECYCLE_URL", lifecycleUrl);
    DashboardApp dashboard =
        add(DashboardApp.start(DashboardConfig.fromEnv(dashboardEnv), Clock.systemUTC()));
    ports.put("dashboard", dashboard.port());
  }

  private <T extends AutoCloseable> T add(T component) {
    components.add(component);
    return component;
  }

  /** What every component's environment holds here: its own data directory, the database. */
  private Map<String, String> common(String component) throws IOException {
    Map<String, String> env = new HashMap<>();
    env.put("RACETRACK_DATA_DIR", Files.createDirectories(dataDir.resolve(component)).toString());
    env.put("DATABASE_URL", postgres.jdbcUrl());
    env.put("POSTGRES_USER", postgres.user());
    env.put("POSTGRES_PASSWORD", postgres.password());
    env.put("POSTGRES_SCHEMA", postgres.schema());
    env.put("INFRASTRUCTURE_TARGET", "local");
    env.put("IMAGE_BUILDER_URL", "http://127.0.0.1:1");
    env.put("INTERNAL_PUB_URL", "http://127.0.0.1:1/pub");
    env.put("SUPERVISOR_INTERVAL_SECONDS", "0.5");
    env.put("PATH", System.getenv("PATH"));
    env.put("HOME", System.getProperty("user.home"));
    return env;
  }

  @AfterAll
  void stop() {
    for (AutoCloseable component : components.reversed()) {
      try {
        component.close();
      } catch (Exception e) {
        // the others still stop
      }
    }
    if (postgres != null) {
      postgres.close();
    }
    if (dataDir != null) {
      FileTrees.delete(dataDir);
    }
  }

  /** The component a platform image runs: {@code REGISTRY/racetrack/NAME:TAG} -> NAME. */
  private static String component(JsonNode container) {
    String image = container.path("image").asText();
    Matcher m = Pattern.compile("/racetrack/([a-z-]+):[^/]+$").matcher(image);
    return m.find() ? m.group(1) : "";
  }

  private int status(int port, String path) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private void assertAnswered(String what, int port, String path) {
    await()
        .alias(what + ": GET " + path)
        .atMost(Duration.ofSeconds(30))
        .until(() -> status(port, path) == 200);
  }

  @Test
  void probes_ofEveryPlatformContainer_areAnsweredByTheComponent() {
    List<String> checked = new ArrayList<>();
    for (JsonNode workload : objects) {
      if (!workload.path("kind").asText().equals("Deployment")) {
        continue;
      }
      for (JsonNode container :
          workload.path("spec").path("template").path("spec").path("containers")) {
        String component = component(container);
        if (component.isEmpty()) {
          continue; // a third-party container (docker-in-docker)
        }
        assertThat(ports)
            .as("a component of the image " + container.path("image"))
            .containsKey(component);
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
          String path = container.path(probe).path("httpGet").path("path").asText();
          assertThat(path).as(probe + " of " + component).startsWith("/");
          assertAnswered(probe + " of " + component, ports.get(component), path);
          checked.add(component + " " + probe + " " + path);
        }
      }
    }
    assertThat(checked).as(checked.toString()).hasSize(10);
  }

  @Test
  void initContainers_waitForAnEndpointTheServiceTheyNameAnswers() {
    List<String> checked = new ArrayList<>();
    for (JsonNode workload : objects) {
      if (!workload.path("kind").asText().equals("Deployment")) {
        continue;
      }
      String name = workload.path("metadata").path("name").asText();
      for (JsonNode init :
          workload.path("spec").path("template").path("spec").path("initContainers")) {
        Matcher wait = WAIT.matcher(init.path("command").toString());
        if (!wait.find()) {
          continue; // waits for PostgreSQL (pg_isready)
        }
        String service = wait.group(1);
        JsonNode svc =
            objects.stream()
                .filter(o -> o.path("kind").asText().equals("Service"))
                .filter(o -> o.path("metadata").path("name").asText().equals(service))
                .findFirst()
                .orElseThrow(
                    () ->
                        new AssertionError(
                            name + " waits for a Service " + service + " that is not rendered"));
        List<Integer> servicePorts = new ArrayList<>();
        svc.path("spec").path("ports").forEach(p -> servicePorts.add(p.path("port").asInt()));
        assertThat(servicePorts)
            .as("ports of Service " + service)
            .contains(Integer.parseInt(wait.group(2)));
        assertThat(ports).as(name + " waits for " + service).containsKey(service);
        assertAnswered(name + " waiting for " + service, ports.get(service), wait.group(3));
        checked.add(name + " -> " + service + wait.group(3));
      }
    }
    assertThat(checked)
        .as("PUB, the supervisor, the image builder and the dashboard wait for lifecycle")
        .hasSize(4);
  }
}
