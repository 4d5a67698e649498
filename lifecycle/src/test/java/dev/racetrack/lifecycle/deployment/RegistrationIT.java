package dev.racetrack.lifecycle.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.AuthSubjectRepository;
import dev.racetrack.lifecycle.auth.AuthTokenRepository;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.InternalTokenRepository;
import dev.racetrack.lifecycle.auth.Jwt;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.auth.SubjectType;
import dev.racetrack.lifecycle.auth.TokenIssuer;
import dev.racetrack.lifecycle.auth.UserRepository;
import dev.racetrack.lifecycle.database.Database;
import dev.racetrack.lifecycle.database.TestDatabases;
import dev.racetrack.lifecycle.event.GatewayNotifier;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.BuildContexts;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.job.TrashRepository;
import dev.racetrack.lifecycle.maintenance.Maintenance;
import dev.racetrack.lifecycle.plugin.PluginHooks;
import dev.racetrack.model.DeploymentStatus;
import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.model.manifest.ResourcePolicy;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.Plugins;
import dev.racetrack.spi.SecretBox;
import dev.racetrack.testsupport.PostgresFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration of a started job: all of it, with its kept source, or nothing. */
class RegistrationIT {
  private static final Caller PLATFORM =
      new Caller(
          SubjectType.INTERNAL, "racetrack", "racetrack", Optional.empty(), List.of("full_access"));

  @TempDir Path tmp;
  private PostgresFixture postgres;
  private Database database;
  private final RecordingTarget target = new RecordingTarget();

  @BeforeEach
  void start() {
    postgres = PostgresFixture.start();
    database = TestDatabases.open(postgres, 2);
  }

  @AfterEach
  void stop() {
    database.close();
    postgres.close();
  }

  @Test
  void deploy_whenTheBuildContextCannotBeStored_registersNothing_andRollsTheFirstVersionBack()
      throws IOException {
    Path contextsDir = Files.writeString(tmp.resolve("contexts"), "a file where a dir should be");
    DeploymentRepository deployments = new DeploymentRepository(database.jdbi());

    String id = deploy(new BuildContexts(contextsDir, tmp.resolve("uploads")), deployments);

    assertThat(deployments.find(id).orElseThrow().status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(deployments.find(id).orElseThrow().error())
        .contains("cannot keep the build context of adder v1.0.0");
    assertThat(new JobRepository(database.jdbi(), "http://pub").find("adder", "1.0.0")).isEmpty();
    assertThat(auditEvents()).doesNotContain(AuditLog.JOB_DEPLOYED);
    assertThat(target.deleted).containsExactly("adder v1.0.0");
  }

  @Test
  void deploy_whenTheBuildContextIsStored_registersTheJob() {
    DeploymentRepository deployments = new DeploymentRepository(database.jdbi());
    BuildContexts contexts = new BuildContexts(tmp.resolve("contexts"), tmp.resolve("uploads"));

    String id = deploy(contexts, deployments);

    assertThat(deployments.find(id).orElseThrow().status()).isEqualTo(DeploymentStatus.DONE);
    assertThat(new JobRepository(database.jdbi(), "http://pub").find("adder", "1.0.0")).isPresent();
    assertThat(contexts.load("adder", "1.0.0"))
        .hasValueSatisfying(copy -> assertThat(copy).hasContent("context"));
    assertThat(auditEvents()).contains(AuditLog.JOB_DEPLOYED);
    assertThat(target.deleted).isEmpty();
    assertThat(target.provisioned)
        .singleElement()
        .satisfies(
            p ->
                assertThat(p.manifest().resources())
                    .as("the target applies the platform's defaults for what the manifest omits")
                    .isEqualTo(new Manifest.Resources("256Mi", "1Gi", "10m", "1000m")));
    assertThat(
            new JobRepository(database.jdbi(), "http://pub")
                .find("adder", "1.0.0")
                .orElseThrow()
                .manifestYaml())
        .as("the stored manifest keeps what its author wrote")
        .doesNotContain("resources");
  }

  @Test
  void reprovision_ofAVersionDeletedWhileItStarts_registersNothing_andRemovesWhatItStarted() {
    DeploymentRepository deployments = new DeploymentRepository(database.jdbi());
    BuildContexts contexts = new BuildContexts(tmp.resolve("contexts"), tmp.resolve("uploads"));
    deploy(contexts, deployments);
    JobRepository jobs = new JobRepository(database.jdbi(), "http://pub");
    String jobId = jobs.find("adder", "1.0.0").orElseThrow().id();
    TrashRepository trash = new TrashRepository(database.jdbi());
    // the version is deleted (as JobRemoval does) while the reprovisioning starts it again
    target.whileStarting =
        () ->
            database
                .jdbi()
                .useTransaction(
                    h -> {
                      JobRepository.lockVersion(h, "adder", "1.0.0");
                      trash.moveToTrash(h, jobId);
                      jobs.delete(h, jobId);
                    });

    String id = run(DeploymentKind.REPROVISION, Optional.empty(), contexts, deployments);

    assertThat(deployments.find(id).orElseThrow().status()).isEqualTo(DeploymentStatus.FAILED);
    assertThat(deployments.find(id).orElseThrow().error())
        .contains("job adder v1.0.0 was deleted while this reprovision ran");
    assertThat(jobs.find("adder", "1.0.0")).as("a deleted job does not come back").isEmpty();
    assertThat(target.provisioned).hasSize(2);
    assertThat(target.deleted)
        .as("what the reprovisioning started is removed again")
        .containsExactly("adder v1.0.0");
    assertThat(auditEvents()).doesNotContain(AuditLog.JOB_REDEPLOYED);
  }

  private static Path upload(BuildContexts contexts) {
    try {
      return Files.writeString(contexts.newUpload(), "context");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String deploy(BuildContexts contexts, DeploymentRepository deployments) {
    return run(DeploymentKind.DEPLOY, Optional.of(upload(contexts)), contexts, deployments);
  }

  private static Manifest manifest() {
    return new ManifestValidator(Set.of("https"))
        .validate(
            Map.of(
                "name", "adder",
                "version", "1.0.0",
                "owner_email", "a@example.com",
                "jobtype", "python3:latest",
                "infrastructure_target", "recording",
                "git", Map.of("remote", "https://example.com/adder"),
                "jobtype_extra", Map.of("entrypoint_path", "job.py")),
            "manifest")
        .manifest();
  }

  private String run(
      DeploymentKind kind,
      Optional<Path> context,
      BuildContexts contexts,
      DeploymentRepository deployments) {
    Manifest manifest = manifest();
    String id = deployments.create("adder", "1.0.0", manifest.toYaml(), "racetrack", "recording");
    DeploymentTask task =
        new DeploymentTask(
            id,
            kind,
            PLATFORM,
            manifest,
            Plugins.discover().jobType("python3:latest"),
            "recording",
            context,
            new JobSecrets(Optional.empty(), Map.of(), Map.of()),
            Optional.of("/artifacts/adder/1.0.0/t1"),
            Optional.empty(),
            kind != DeploymentKind.DEPLOY, // a redeployment is forced over the version it replaces
            List.of());
    pipeline(contexts, deployments).run(task);
    return id;
  }

  private DeploymentPipeline pipeline(BuildContexts contexts, DeploymentRepository deployments) {
    var jdbi = database.jdbi();
    HttpClient http = HttpClient.newHttpClient();
    PermissionRepository permissions = new PermissionRepository(jdbi);
    Authorizer authorizer = new Authorizer(permissions, new UserRepository(jdbi));
    AuditLog audit = new AuditLog();
    GatewayNotifier gateway = new GatewayNotifier(http, "http://127.0.0.1:1/pub", "internal");
    JobRepository jobs = new JobRepository(jdbi, "http://pub");
    TrashRepository trash = new TrashRepository(jdbi);
    Targets targets = new Targets(List.of(target), Optional.empty());
    PluginHooks hooks = PluginHooks.none();
    DeploymentPipeline.Settings settings =
        new DeploymentPipeline.Settings(
            "http://127.0.0.1:1/pub",
            new JobCallSecrets("registration-it-job-call-key-of-32-characters"),
            Duration.ofSeconds(5),
            false,
            ResourcePolicy.defaults());
    TokenIssuer issuer =
        new TokenIssuer(
            new Jwt("registration-it-key-of-at-least-32-bytes"),
            new AuthTokenRepository(jdbi, SecretBox.fromKeyFile(tmp.resolve("secret.key"))),
            new InternalTokenRepository(jdbi),
            Clock.systemUTC());
    return new DeploymentPipeline(
        new DeploymentPipeline.Steps(
            new ClaimStep(
                new DeploymentChecks(jobs, trash, authorizer, settings.allowOverwrite()),
                new Maintenance(jdbi, authorizer, audit, gateway),
                jdbi,
                jobs,
                permissions),
            new BuildStep(
                new ImageBuilderClient(http, "http://127.0.0.1:1", "internal"),
                deployments,
                targets,
                hooks,
                Clock.systemUTC()),
            new ProvisionStep(
                targets,
                deployments,
                jobs,
                new StartingRows(jdbi, jobs),
                new ProvisionRequests(
                    new FamilyTokens(jdbi, jobs, new AuthSubjectRepository(), issuer),
                    hooks,
                    settings),
                Clock.systemUTC()),
            new RegisterStep(jdbi, jobs, trash, permissions, audit, contexts),
            new PublishStep(deployments, targets, hooks, gateway),
            new DeploymentFailures(deployments, jdbi, audit)),
        new SimpleMeterRegistry());
  }

  private List<String> auditEvents() {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT event_type FROM registry_auditlogevent")
                    .mapTo(String.class)
                    .list());
  }
}
