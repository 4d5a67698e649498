package dev.racetrack.lifecycle;

import dev.racetrack.http.ApiServer;
import dev.racetrack.http.Metrics;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.asynccall.AsyncCallRepository;
import dev.racetrack.lifecycle.database.Database;
import dev.racetrack.lifecycle.deployment.DeploymentRepository;
import dev.racetrack.lifecycle.imageregistry.ImagesInUseRepository;
import dev.racetrack.lifecycle.imageregistry.RegistryCleaner;
import dev.racetrack.lifecycle.imageregistry.RegistryClient;
import dev.racetrack.lifecycle.imageregistry.RegistryConfig;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.job.JobUrls;
import dev.racetrack.lifecycle.supervisor.Cleanup;
import dev.racetrack.lifecycle.supervisor.JobStatusSync;
import dev.racetrack.lifecycle.supervisor.PrometheusTargets;
import dev.racetrack.lifecycle.supervisor.Reconciler;
import dev.racetrack.lifecycle.supervisor.StartupReconciler;
import dev.racetrack.lifecycle.supervisor.Supervisor;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.ArtifactStore;
import dev.racetrack.spi.PluginBundle;
import dev.racetrack.spi.PluginStore;
import dev.racetrack.spi.Plugins;
import dev.racetrack.spi.SecretBox;
import dev.racetrack.tls.TlsConfig;
import dev.racetrack.tls.TrustedCa;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor as its own process (the {@code supervisor} image, {@code main.SupervisorMain}):
 * job status sync against the infrastructure targets, the Prometheus target list, the hourly
 * clean-up and the registry clean, on lifecycle's database, with {@code /live} and {@code /ready}
 * (ready once the database answers and a first status sync has run) and {@code /metrics} on {@code
 * SUPERVISOR_PORT}. Lifecycle then runs with {@code SUPERVISOR_EMBEDDED=false}; it keeps the
 * start-up cleanup of interrupted deployments and the reprovisioning of lost jobs, which act on the
 * deployments it runs. Also the composition of the loop for the all-in-one lifecycle.
 */
public final class SupervisorApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisorApp.class);
  static final Duration REPROVISION_INTERVAL = Duration.ofMinutes(10);
  private static final String SERVICE = "supervisor";

  /** What the supervisor shares with the rest of lifecycle when both run in one process. */
  record Shared(
      LifecycleConfig config,
      Jdbi jdbi,
      JobRepository jobs,
      Targets targets,
      Plugins plugins,
      PrometheusMeterRegistry metrics) {}

  private final List<AutoCloseable> resources = new ArrayList<>();
  private final Database database;
  private final Supervisor supervisor;
  private final ApiServer server;

  private SupervisorApp(LifecycleConfig config, Plugins plugins, Clock clock) {
    Map<String, String> env = config.env();
    EnvReader reader = new EnvReader(env);
    if (config.database().external().isEmpty()) {
      throw new ValidationException(
          "the supervisor on its own works on lifecycle's database: set DATABASE_URL or"
              + " POSTGRES_HOST (the embedded PostgreSQL belongs to one process)");
    }
    LOG.info("supervisor configuration: {}", config.describe());
    // lifecycle migrates the schema before the supervisor starts (kustomize/dev waits for it);
    // with nothing pending, Flyway only checks the history here
    database = Database.open(config.database().external().get(), 4);
    resources.add(database);
    PrometheusMeterRegistry metrics = Metrics.registry();
    database.registerMetrics(metrics);
    TlsConfig tls = TlsConfig.fromEnv(env);
    HttpClient http =
        TrustedCa.trusting(
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)), tls.clientTrust())
            .build();
    SecretBox secrets = LifecycleApp.secretBox(config);
    plugins.watch(
        new PluginStore(
            PluginStore.directory(env, config.dataDir()),
            new PluginBundle.Limits(
                config.maxBuildContextBytes() * 2, config.maxBuildContextBytes() * 8, 10_000),
            clock),
        Set.of("lifecycle"),
        Duration.ofSeconds(1));
    resources.add(plugins);
    Targets targets =
        new Targets(
            plugins::infrastructures,
            plugin -> LifecycleApp.createTarget(plugin, config, secrets, clock, http),
            config.infrastructureTarget());
    resources.add(targets);
    Jdbi jdbi = database.jdbi();
    JobRepository jobs =
        new JobRepository(jdbi, new JobUrls(config.externalPubUrl(), config.jobDomain()));
    supervisor =
        supervisor(
            new Shared(config, jdbi, jobs, targets, plugins, metrics),
            Optional.empty(),
            Optional.empty(),
            clock);
    Routes health = routes -> routes.get("/live", this::live).get("/ready", this::ready);
    server =
        new ApiServer(
            new ApiServer.Settings(
                SERVICE,
                LifecycleConfig.platformVersion(),
                reader.string("SUPERVISOR_HOST", "127.0.0.1"),
                reader.port("SUPERVISOR_PORT", 7207),
                List.of(""),
                64 << 10),
            tls,
            metrics,
            List.of(health));
  }

  private void live(Context ctx) {
    ctx.json(Map.of("service", SERVICE, "live", true));
  }

  /** Ready once the database answers and a first status sync has run. */
  private void ready(Context ctx) {
    boolean ready = database.isConnected() && supervisor.synced();
    ctx.status(ready ? 200 : 503).json(Map.of("service", SERVICE, "ready", ready));
  }

  /** Starts the supervisor loop and its health server. */
  public static SupervisorApp start(LifecycleConfig config, Plugins plugins, Clock clock) {
    SupervisorApp app = new SupervisorApp(config, plugins, clock);
    try {
      app.server.start();
      app.supervisor.start();
    } catch (RuntimeException e) {
      app.close();
      throw e;
    }
    return app;
  }

  /** The supervisor loop with its tasks (not started); the registry clean when configured. */
  static Supervisor supervisor(
      Shared shared,
      Optional<StartupReconciler> startup,
      Optional<Reconciler> reprovisioning,
      Clock clock) {
    LifecycleConfig config = shared.config();
    Supervisor supervisor =
        new Supervisor(
            new Supervisor.Parts(
                new JobStatusSync(
                    shared.jobs(),
                    shared.targets(),
                    shared.plugins()::jobTypeKeys,
                    shared.metrics()),
                shared.jobs(),
                startup,
                new PrometheusTargets(
                    config.dataDir().resolve("metrics").resolve("sd_config_jobs.yaml")),
                new Cleanup(
                    new DeploymentRepository(shared.jdbi()),
                    new AsyncCallRepository(shared.jdbi()),
                    Duration.ofMinutes(
                        new EnvReader(config.env())
                            .positiveLong("ASYNC_JOB_CALL_LIFETIME_MINUTES", 240)),
                    ArtifactStore.in(config.dataDir()),
                    clock),
                reprovisioning),
            new Supervisor.Settings(
                config.supervisorInterval(), REPROVISION_INTERVAL, Duration.ofHours(1)));
    RegistryConfig registry = RegistryConfig.fromEnv(config.env());
    registry
        .interval()
        .ifPresent(
            interval -> {
              RegistryCleaner cleaner =
                  new RegistryCleaner(
                      new RegistryClient(HttpClient.newHttpClient(), registry),
                      registry,
                      new ImagesInUseRepository(shared.jdbi())::imagesInUse);
              supervisor.every(
                  "registry clean",
                  interval,
                  () ->
                      cleaner.clean(
                          registry.keep(), true, line -> LOG.info("registry clean: {}", line)));
            });
    return supervisor;
  }

  /** The port of {@code /live}, {@code /ready} and {@code /metrics}. */
  public int port() {
    return server.port();
  }

  /** Stops the health server, lets a running task finish, then releases the targets and pool. */
  @Override
  public void close() {
    server.close();
    supervisor.close();
    for (AutoCloseable resource : resources.reversed()) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resource, e.toString());
      }
    }
  }
}
