package dev.racetrack.lifecycle;

import dev.racetrack.http.ApiServer;
import dev.racetrack.http.ClientAddress;
import dev.racetrack.http.ConcurrencyLimit;
import dev.racetrack.http.Metrics;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.asynccall.AsyncCallRepository;
import dev.racetrack.lifecycle.asynccall.AsyncCallRoutes;
import dev.racetrack.lifecycle.audit.AuditRepository;
import dev.racetrack.lifecycle.audit.AuditRoutes;
import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.Accounts;
import dev.racetrack.lifecycle.auth.AuthConfig;
import dev.racetrack.lifecycle.auth.AuthSubjectRepository;
import dev.racetrack.lifecycle.auth.AuthTokenRepository;
import dev.racetrack.lifecycle.auth.Authenticator;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.InternalTokenRepository;
import dev.racetrack.lifecycle.auth.Jwt;
import dev.racetrack.lifecycle.auth.LoginThrottle;
import dev.racetrack.lifecycle.auth.PasswordHasher;
import dev.racetrack.lifecycle.auth.PasswordPolicy;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.lifecycle.auth.TokenIssuer;
import dev.racetrack.lifecycle.auth.TokenRegeneration;
import dev.racetrack.lifecycle.auth.TokenRoutes;
import dev.racetrack.lifecycle.auth.UserRepository;
import dev.racetrack.lifecycle.auth.UserRoutes;
import dev.racetrack.lifecycle.database.Database;
import dev.racetrack.lifecycle.database.DatabaseSettings;
import dev.racetrack.lifecycle.database.EmbeddedPostgresServer;
import dev.racetrack.lifecycle.database.JdbcTarget;
import dev.racetrack.lifecycle.deployment.BuildStep;
import dev.racetrack.lifecycle.deployment.ClaimStep;
import dev.racetrack.lifecycle.deployment.DeploymentChecks;
import dev.racetrack.lifecycle.deployment.DeploymentFailures;
import dev.racetrack.lifecycle.deployment.DeploymentPipeline;
import dev.racetrack.lifecycle.deployment.DeploymentQuota;
import dev.racetrack.lifecycle.deployment.DeploymentRepository;
import dev.racetrack.lifecycle.deployment.DeploymentRoutes;
import dev.racetrack.lifecycle.deployment.DeploymentStarter;
import dev.racetrack.lifecycle.deployment.DeploymentViews;
import dev.racetrack.lifecycle.deployment.Deployments;
import dev.racetrack.lifecycle.deployment.FamilyTokens;
import dev.racetrack.lifecycle.deployment.ImageBuilderClient;
import dev.racetrack.lifecycle.deployment.JobDeploymentRoutes;
import dev.racetrack.lifecycle.deployment.JobManifests;
import dev.racetrack.lifecycle.deployment.LiveBuildLogs;
import dev.racetrack.lifecycle.deployment.ManifestEdits;
import dev.racetrack.lifecycle.deployment.ProvisionRequests;
import dev.racetrack.lifecycle.deployment.ProvisionStep;
import dev.racetrack.lifecycle.deployment.PublishStep;
import dev.racetrack.lifecycle.deployment.Redeployments;
import dev.racetrack.lifecycle.deployment.RegisterStep;
import dev.racetrack.lifecycle.deployment.StartingRows;
import dev.racetrack.lifecycle.esc.EscRepository;
import dev.racetrack.lifecycle.esc.EscRoutes;
import dev.racetrack.lifecycle.esc.Escs;
import dev.racetrack.lifecycle.event.EventBus;
import dev.racetrack.lifecycle.event.GatewayNotifier;
import dev.racetrack.lifecycle.event.JobWatcher;
import dev.racetrack.lifecycle.gateway.GatewayRoutes;
import dev.racetrack.lifecycle.gateway.JobCallAuthorizer;
import dev.racetrack.lifecycle.graph.GraphRoutes;
import dev.racetrack.lifecycle.graph.PermissionGraph;
import dev.racetrack.lifecycle.info.InfoRoutes;
import dev.racetrack.lifecycle.infra.OutsideSecrets;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.BuildContexts;
import dev.racetrack.lifecycle.job.JobAccess;
import dev.racetrack.lifecycle.job.JobJsonRepository;
import dev.racetrack.lifecycle.job.JobListing;
import dev.racetrack.lifecycle.job.JobRemoval;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.job.JobRoutes;
import dev.racetrack.lifecycle.job.JobScoreRepository;
import dev.racetrack.lifecycle.job.JobUrls;
import dev.racetrack.lifecycle.job.Jobs;
import dev.racetrack.lifecycle.job.PublicEndpointRepository;
import dev.racetrack.lifecycle.job.PublicEndpointRoutes;
import dev.racetrack.lifecycle.job.Trash;
import dev.racetrack.lifecycle.job.TrashRepository;
import dev.racetrack.lifecycle.maintenance.Maintenance;
import dev.racetrack.lifecycle.maintenance.MaintenanceRoutes;
import dev.racetrack.lifecycle.permission.PermissionRoutes;
import dev.racetrack.lifecycle.permission.Permissions;
import dev.racetrack.lifecycle.plugin.PluginCatalog;
import dev.racetrack.lifecycle.plugin.PluginHooks;
import dev.racetrack.lifecycle.plugin.PluginInventory;
import dev.racetrack.lifecycle.plugin.PluginLibrary;
import dev.racetrack.lifecycle.plugin.PluginRoutes;
import dev.racetrack.lifecycle.plugin.PluginUsageRepository;
import dev.racetrack.lifecycle.portfolio.PortfolioRoutes;
import dev.racetrack.lifecycle.records.RecordRepository;
import dev.racetrack.lifecycle.records.RecordRoutes;
import dev.racetrack.lifecycle.stream.LogStreamServer;
import dev.racetrack.lifecycle.stream.StreamRoutes;
import dev.racetrack.lifecycle.supervisor.ReconcileRoutes;
import dev.racetrack.lifecycle.supervisor.Reconciler;
import dev.racetrack.lifecycle.supervisor.StartupReconciler;
import dev.racetrack.lifecycle.supervisor.Supervisor;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.model.manifest.ResourcePolicy;
import dev.racetrack.spi.BuiltInBundles;
import dev.racetrack.spi.InfrastructurePlugin;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.PluginBundle;
import dev.racetrack.spi.PluginCalls;
import dev.racetrack.spi.PluginContext;
import dev.racetrack.spi.PluginStore;
import dev.racetrack.spi.Plugins;
import dev.racetrack.spi.SecretBox;
import dev.racetrack.tls.TlsConfig;
import dev.racetrack.tls.TrustedCa;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The lifecycle component's composition root: builds the object graph and starts it. */
public final class LifecycleApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LifecycleApp.class);

  private final List<AutoCloseable> resources;
  private final ApiServer server;
  private final Optional<String> generatedAdminPassword;

  private LifecycleApp(
      LifecycleConfig config,
      Plugins plugins,
      Clock clock,
      boolean runSupervisor,
      List<AutoCloseable> resources) {
    this.resources = resources;
    LOG.info("lifecycle configuration: {}", config.describe());
    Database database = openDatabase(config);
    resources.add(database);
    Jdbi jdbi = database.jdbi();
    SecretBox secrets = secretBox(config);
    TlsConfig tls = TlsConfig.fromEnv(config.env());
    HttpClient http = internalHttpClient(tls);
    PrometheusMeterRegistry metrics = Metrics.registry();
    database.registerMetrics(metrics);

    GatewayNotifier gateway =
        new GatewayNotifier(http, config.internalPubUrl(), config.internalToken());
    Jwt jwt = new Jwt(config.authKey());
    AuthTokenRepository tokens = new AuthTokenRepository(jdbi, secrets);
    UserRepository users = new UserRepository(jdbi);
    AuthSubjectRepository subjects = new AuthSubjectRepository();
    PermissionRepository permissions = new PermissionRepository(jdbi);
    InternalTokenRepository internalTokens = new InternalTokenRepository(jdbi);
    TokenIssuer issuer = new TokenIssuer(jwt, tokens, internalTokens, clock);
    Authenticator authenticator = new Authenticator(jwt, tokens, internalTokens, clock);
    AuthConfig authConfig = AuthConfig.fromEnv(config.env());
    Authorizer authorizer = new Authorizer(permissions, users);
    RequestAuth requestAuth = new RequestAuth(authenticator);
    AuditLog audit = new AuditLog();
    PluginInventory pluginInventory =
        new PluginInventory(plugins, LifecycleConfig.platformVersion());
    pluginInventory.record(jdbi, audit);
    long maxPluginBytes = config.maxBuildContextBytes() * 2;
    PluginStore pluginStore =
        new PluginStore(
            PluginStore.directory(config.env(), config.dataDir()),
            new PluginBundle.Limits(maxPluginBytes, maxPluginBytes * 4, 10_000),
            clock);
    // the built-in job types and targets become bundles on a fresh plugins directory (§8)
    new BuiltInBundles(pluginStore, plugins.builtIns(), LifecycleConfig.platformVersion(), clock)
        .install();
    plugins.watch(pluginStore, Set.of("lifecycle"), Duration.ofSeconds(1));
    resources.add(plugins);
    // targets from bundles installed later are created on their first use, without a restart
    Targets targets =
        new Targets(
            plugins::infrastructures,
            plugin -> createTarget(plugin, config, secrets, clock, http),
            config.infrastructureTarget());
    resources.add(targets);
    // secrets a restore brought back for targets that keep them outside the data directory
    OutsideSecrets.writeBack(config.dataDir(), targets, secrets);
    PluginCalls pluginCalls =
        new PluginCalls(
            Duration.ofMillis(
                new EnvReader(config.env()).positiveLong("PLUGIN_HOOK_TIMEOUT_MS", 10_000)));
    PluginHooks pluginHooks = new PluginHooks(plugins, pluginCalls);
    PluginLibrary pluginLibrary =
        new PluginLibrary(
            new PluginLibrary.Parts(pluginStore, plugins, pluginCalls, jdbi, audit, authorizer));
    Accounts accounts =
        new Accounts(
            new Accounts.Parts(
                jdbi,
                users,
                subjects,
                permissions,
                tokens,
                issuer,
                new PasswordHasher(),
                PasswordPolicy.standard(),
                new LoginThrottle(clock, authConfig.registrationsPerHour()),
                authorizer,
                audit,
                gateway,
                authConfig));
    generatedAdminPassword = accounts.ensureAdmin(config.adminPassword());

    JobUrls jobUrls = new JobUrls(config.externalPubUrl(), config.jobDomain());
    JobRepository jobRepository = new JobRepository(jdbi, jobUrls);
    TrashRepository trash = new TrashRepository(jdbi);
    Jobs jobs = new Jobs(jobRepository, authorizer);
    JobScoreRepository jobScores = new JobScoreRepository(jdbi, jobRepository);
    JobListing jobListing =
        new JobListing(jobScores, new JobJsonRepository(jdbi, jobRepository), authorizer);
    EscRepository escRepository = new EscRepository(jdbi);
    PublicEndpointRepository publicEndpoints = new PublicEndpointRepository(jdbi);
    DeploymentRepository deploymentRepository = new DeploymentRepository(jdbi);
    LiveBuildLogs liveBuildLogs = new LiveBuildLogs();
    Maintenance maintenance = new Maintenance(jdbi, authorizer, audit, gateway);
    BuildContexts contexts =
        new BuildContexts(
            config.dataDir().resolve("contexts"), config.dataDir().resolve("uploads"));
    contexts.clearUploads(); // what a crash left
    ExecutorService deploymentExecutor = Executors.newVirtualThreadPerTaskExecutor();
    resources.add(() -> stopDeployments(deploymentExecutor, deploymentRepository));
    ResourcePolicy resourcePolicy = ResourcePolicy.fromEnv(config.env());
    DeploymentPipeline.Settings deploySettings =
        new DeploymentPipeline.Settings(
            config.internalPubUrl(),
            new JobCallSecrets(config.jobCallKey()),
            config.readinessTimeout(),
            config.allowJobOverwrite(),
            resourcePolicy);
    DeploymentChecks deployChecks =
        new DeploymentChecks(jobRepository, trash, authorizer, deploySettings.allowOverwrite());
    DeploymentPipeline pipeline =
        new DeploymentPipeline(
            new DeploymentPipeline.Steps(
                new ClaimStep(deployChecks, maintenance, jdbi, jobRepository, permissions),
                new BuildStep(
                    new ImageBuilderClient(
                        http, config.imageBuilderUrl(), config.internalToken(), liveBuildLogs),
                    deploymentRepository,
                    targets,
                    pluginHooks,
                    clock),
                new ProvisionStep(
                    targets,
                    deploymentRepository,
                    jobRepository,
                    new StartingRows(jdbi, jobRepository),
                    new ProvisionRequests(
                        new FamilyTokens(jdbi, jobRepository, subjects, issuer),
                        pluginHooks,
                        deploySettings),
                    clock),
                new RegisterStep(jdbi, jobRepository, trash, permissions, audit, contexts),
                new PublishStep(deploymentRepository, targets, pluginHooks, gateway),
                new DeploymentFailures(deploymentRepository, jdbi, audit)),
            metrics);
    BuildContext.Limits uploadLimits =
        new BuildContext.Limits(
            config.maxBuildContextBytes(), config.maxBuildContextBytes() * 8, 100_000);
    // base64 (4/3 of the context) plus the manifest and secrets
    long maxDeployBody = uploadLimits.maxCompressedBytes() * 2;
    DeploymentQuota quota =
        new DeploymentQuota(
            deploymentRepository,
            (int) new EnvReader(config.env()).positiveLong("MAX_DEPLOYMENTS_PER_USER", 5));
    JobManifests manifests =
        new JobManifests(
            new ManifestValidator(config.gitAllowedSchemes()).withResourcePolicy(resourcePolicy),
            plugins);
    DeploymentStarter starter =
        new DeploymentStarter(deploymentRepository, quota, pipeline, deploymentExecutor, metrics);
    JobAccess jobAccess = new JobAccess(maintenance, jobs, authorizer);
    Deployments deployments =
        new Deployments(manifests, deployChecks, targets, maintenance, uploadLimits, starter);
    Redeployments redeployments =
        new Redeployments(jobAccess, manifests, targets, contexts, deploymentRepository, starter);

    Reconciler reconciler = new Reconciler(jobRepository, redeployments);
    AsyncCallRepository asyncCalls = new AsyncCallRepository(jdbi);
    StartupReconciler startup = new StartupReconciler(jobRepository, deploymentRepository, targets);
    Optional<Reconciler> reprovisioning =
        config.reconciliationLoop() ? Optional.of(reconciler) : Optional.empty();
    if (runSupervisor) {
      Supervisor supervisor =
          SupervisorApp.supervisor(
              new SupervisorApp.Shared(config, jdbi, jobRepository, targets, plugins, metrics),
              Optional.of(startup),
              reprovisioning,
              clock);
      supervisor.start();
      resources.add(supervisor);
    } else {
      // the supervisor runs as its own process (SupervisorMain); what acts on deployments stays
      // here, where deployments run
      startup.reconcile();
      reprovisioning.ifPresent(
          r -> resources.add(Supervisor.reprovisionEvery(r, SupervisorApp.REPROVISION_INTERVAL)));
    }

    UserRoutes userRoutes =
        new UserRoutes(
            accounts,
            requestAuth,
            config.externalLifecycleUrl().startsWith("https:"),
            authConfig.sessionLifetime());
    ConcurrencyLimit logStreams =
        new ConcurrencyLimit(
            "log streams",
            "MAX_LOG_STREAMS_PER_USER",
            (int) new EnvReader(config.env()).positiveLong("MAX_LOG_STREAMS_PER_USER", 4));
    LogStreamServer socketIoLogs = new LogStreamServer(authenticator, jobs, targets, logStreams);
    resources.add(socketIoLogs);
    EventBus events = new EventBus();
    JobWatcher jobWatcher =
        new JobWatcher(
            jobRepository::list,
            () -> deploymentRepository.page(20, Optional.empty()).items(),
            events,
            Duration.ofMillis(
                new EnvReader(config.env()).positiveLong("JOB_WATCHER_INTERVAL_MS", 3000)));
    resources.add(jobWatcher);
    List<Routes> routes =
        List.of(
            new StreamRoutes(socketIoLogs, authenticator, events, jobWatcher),
            new InfoRoutes(
                database,
                LifecycleConfig.platformVersion(),
                config.externalPubUrl(),
                config.externalLifecycleUrl(),
                new EnvReader(config.env()).optional("EXTERNAL_GRAFANA_URL")),
            userRoutes,
            new TokenRoutes(
                new TokenRegeneration(jdbi, tokens, issuer, authorizer, audit, gateway),
                requestAuth),
            new AsyncCallRoutes(asyncCalls, config.internalToken()),
            new GatewayRoutes(
                new JobCallAuthorizer(
                    jobs, publicEndpoints, authenticator, authorizer, maintenance),
                config.internalToken()),
            new PermissionRoutes(
                new Permissions(
                    new Permissions.Parts(
                        jdbi,
                        permissions,
                        subjects,
                        users,
                        escRepository,
                        jobRepository,
                        authorizer,
                        audit,
                        gateway)),
                jobs,
                authorizer,
                requestAuth),
            new EscRoutes(
                new Escs(
                    new Escs.Parts(
                        jdbi,
                        escRepository,
                        subjects,
                        tokens,
                        issuer,
                        authorizer,
                        audit,
                        gateway,
                        clock)),
                requestAuth),
            new DeploymentRoutes(
                deployments,
                new DeploymentViews(deploymentRepository, jobRepository, jobs, authorizer),
                quota,
                requestAuth,
                new DeploymentRoutes.Uploads(
                    maxDeployBody, uploadLimits.maxCompressedBytes(), contexts),
                liveBuildLogs),
            new JobRoutes(
                jobs,
                new JobRemoval(
                    jobAccess,
                    targets,
                    new Trash(jdbi, jobRepository, trash, audit, contexts),
                    gateway,
                    pluginHooks),
                targets,
                requestAuth,
                logStreams),
            new JobDeploymentRoutes(
                jobs,
                redeployments,
                new ManifestEdits(jobAccess, manifests, targets, jdbi, audit, jobs),
                deploymentRepository,
                requestAuth),
            new MaintenanceRoutes(maintenance, requestAuth),
            new PluginRoutes(
                new PluginCatalog(
                    pluginLibrary,
                    plugins,
                    new PluginUsageRepository(jdbi),
                    LifecycleConfig.platformVersion()),
                pluginLibrary,
                requestAuth,
                maxPluginBytes),
            new ReconcileRoutes(reconciler, authorizer, maintenance, requestAuth),
            new AuditRoutes(new AuditRepository(jdbi, clock), authorizer, requestAuth),
            new PortfolioRoutes(jobListing, clock, requestAuth),
            new GraphRoutes(
                new PermissionGraph(permissions, jobListing, authorizer, jobUrls), requestAuth),
            new RecordRoutes(new RecordRepository(jdbi), authorizer, requestAuth),
            new PublicEndpointRoutes(
                jdbi, publicEndpoints, jobs, authorizer, audit, gateway, requestAuth));
    server =
        new ApiServer(
            new ApiServer.Settings(
                "lifecycle",
                LifecycleConfig.platformVersion(),
                config.host(),
                config.port(),
                List.of("", "/lifecycle"),
                maxDeployBody,
                new EnvReader(config.env()).positiveLong("MAX_JSON_BODY_KB", 256) << 10,
                // async call records carry a job call's request and answer bodies
                Set.of(
                    "/api/v1/deploy",
                    "/api/v1/build", // the deploy payload, for run-local
                    "/api/v1/job/async/call",
                    "/api/v1/job/async/call/",
                    "/api/v1/plugin/upload",
                    "/api/v1/plugin/upload/"),
                ClientAddress.parse(
                    config.env().getOrDefault("TRUSTED_PROXIES", ""), "TRUSTED_PROXIES"),
                (int) new EnvReader(config.env()).positiveLong("MAX_CONNECTIONS_PER_ADDRESS", 256)),
            tls,
            metrics,
            routes);
  }

  /**
   * Builds and starts the lifecycle.
   *
   * @param runSupervisor whether this process also runs the supervisor loop
   */
  public static LifecycleApp start(
      LifecycleConfig config, Plugins plugins, Clock clock, boolean runSupervisor) {
    List<AutoCloseable> resources = new ArrayList<>();
    try {
      LifecycleApp app = new LifecycleApp(config, plugins, clock, runSupervisor, resources);
      app.server.start();
      return app;
    } catch (RuntimeException | Error e) {
      // a failed start (a port in use, say) stops what it started: the embedded database too
      closeAll(resources);
      throw e;
    }
  }

  private Database openDatabase(LifecycleConfig config) {
    DatabaseSettings settings = config.database();
    JdbcTarget target;
    if (settings.external().isPresent()) {
      target = settings.external().get();
    } else {
      EmbeddedPostgresServer embedded = EmbeddedPostgresServer.start(config.dataDir(), false);
      resources.add(embedded);
      target = embedded.target(DatabaseSettings.DEFAULT_SCHEMA);
    }
    return Database.open(target, 20);
  }

  /** The secrets key: {@code RACETRACK_SECRETS_KEY} (base64), or a key file in the data dir. */
  /**
   * At shutdown: interrupts the deployments running here and marks those left in progress failed
   * (the error says the platform stopped), so none stays "in progress" for ever.
   */
  private static void stopDeployments(ExecutorService executor, DeploymentRepository deployments)
      throws InterruptedException {
    executor.shutdownNow();
    if (!executor.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS)) {
      LOG.warn("deployments did not stop within 5 s of the shutdown");
    }
    int failed = deployments.failInterrupted();
    if (failed > 0) {
      LOG.warn("marked {} deployment(s) in progress at shutdown as failed", failed);
    }
  }

  /**
   * The client lifecycle and its admin commands call the platform's other components with (the
   * image builder, PUB, lifecycle itself): HTTPS trusting {@code TLS_CA_FILE} (or the platform's
   * own certificate) besides the JDK's authorities when TLS is on.
   */
  public static HttpClient internalHttpClient(TlsConfig tls) {
    return TrustedCa.trusting(
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)), tls.clientTrust())
        .build();
  }

  public static SecretBox secretBox(LifecycleConfig config) {
    return Optional.ofNullable(config.env().get("RACETRACK_SECRETS_KEY"))
        .filter(k -> !k.isBlank())
        .map(k -> new SecretBox(Base64.getDecoder().decode(k.strip())))
        .orElseGet(
            () -> SecretBox.fromKeyFile(config.dataDir().resolve("keys").resolve("secrets.key")));
  }

  public static InfrastructureTarget createTarget(
      InfrastructurePlugin plugin,
      LifecycleConfig config,
      SecretBox secrets,
      Clock clock,
      HttpClient http) {
    return plugin.create(
        new PluginContext(
            config.dataDir().resolve("infrastructure").resolve(plugin.name()),
            secrets,
            config.env(),
            clock,
            http));
  }

  public int port() {
    return server.port();
  }

  /** The admin password generated at first start (to be shown once), if any. */
  public Optional<String> generatedAdminPassword() {
    return generatedAdminPassword;
  }

  @Override
  public void close() {
    server.close();
    closeAll(resources);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable resource : resources.reversed()) {
      try {
        resource.close();
      } catch (Exception e) {
        LOG.warn("closing {} failed: {}", resource, e.toString());
      }
    }
  }
}
