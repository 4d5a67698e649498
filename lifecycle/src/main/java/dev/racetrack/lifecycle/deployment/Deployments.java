package dev.racetrack.lifecycle.deployment;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.BuildContexts;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.lifecycle.job.Jobs;
import dev.racetrack.lifecycle.maintenance.Maintenance;
import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.Deployment;
import dev.racetrack.model.DeploymentStatus;
import dev.racetrack.model.Job;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestFiles;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.JobType;
import dev.racetrack.spi.Plugins;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import org.jdbi.v3.core.Jdbi;

/**
 * Accepts deployments, redeployments, reprovisionings and moves: everything that can be checked at
 * once is checked before an id is returned (manifest, job type, upload safety, target, overwrite,
 * permission, maintenance); the rest runs in the background through the {@link DeploymentPipeline},
 * observable with {@code GET /api/v1/deploy/{id}}.
 */
public final class Deployments {
  private static final List<String> ALLOWED_BUILD_FLAGS = List.of("--no-cache");
  private static final DeployedJobRepository ROWS = new DeployedJobRepository();

  /** What accepting deployments needs. */
  public record Parts(
      Jdbi jdbi,
      ManifestValidator validator,
      Plugins plugins,
      Targets targets,
      DeploymentRepository deployments,
      JobRepository jobRepository,
      Jobs jobs,
      Authorizer authorizer,
      Maintenance maintenance,
      BuildContexts contexts,
      AuditLog audit,
      DeploymentPipeline pipeline,
      ExecutorService executor,
      BuildContext.Limits uploadLimits) {}

  private final Parts p;
  private final DeploymentQuota quota;
  private final Counter requested;

  public Deployments(Parts parts, DeploymentQuota quota, MeterRegistry metrics) {
    this.p = parts;
    this.quota = quota;
    this.requested = Counter.builder("requested_job_deployments").register(metrics);
  }

  /** Checks a deployment request and starts it; returns the deployment id to poll. */
  public String deploy(Caller caller, DeployUpload upload) {
    return accept(caller, upload, DeploymentKind.DEPLOY);
  }

  /**
   * Checks a build request ({@code POST /api/v1/build}, for {@code run-local}: the deploy payload)
   * and starts a build of an image that nothing deploys; returns the id to poll for its {@code
   * image_name}. Needs the same permission as deploying the job.
   */
  public String build(Caller caller, DeployUpload upload) {
    return accept(caller, upload, DeploymentKind.BUILD);
  }

  /**
   * Checks and starts; from then on the deployment owns the upload's context file, and until then a
   * refusal deletes it.
   */
  private String accept(Caller caller, DeployUpload upload, DeploymentKind kind) {
    try {
      return check(caller, upload, kind);
    } catch (RuntimeException e) {
      upload.discard();
      throw e;
    }
  }

  private String check(Caller caller, DeployUpload upload, DeploymentKind kind) {
    DeployRequest request = upload.request();
    p.maintenance().ensureOff();
    quota.ensureRoom(caller.username());
    Manifest manifest = p.validator().validate(request.manifest(), "manifest").manifest();
    JobType jobType = jobType(manifest);
    for (String flag : request.buildFlags()) {
      if (!ALLOWED_BUILD_FLAGS.contains(flag)) {
        throw new ValidationException(
            "build flag '" + flag + "' is not allowed; allowed: " + ALLOWED_BUILD_FLAGS);
      }
    }
    upload.context().ifPresent(file -> BuildContext.check(file, p.uploadLimits()));
    String target = p.targets().choose(Optional.ofNullable(manifest.infrastructureTarget()));
    DeployRequest.SecretVars vars =
        Optional.ofNullable(request.secretVars())
            .orElse(new DeployRequest.SecretVars(Map.of(), Map.of()));
    DeploymentTask task =
        new DeploymentTask(
            "pending",
            kind,
            caller,
            manifest,
            jobType,
            target,
            upload.context(),
            new JobSecrets(
                Optional.ofNullable(request.gitCredentials()), vars.buildEnv(), vars.runtimeEnv()),
            Optional.empty(),
            Optional.empty(),
            request.isForced(),
            request.buildFlags());
    if (kind == DeploymentKind.DEPLOY) {
      p.pipeline().checkOverwrite(task);
    }
    p.pipeline().checkPermission(task);
    return start(task);
  }

  /** Rebuilds a job from its stored manifest, kept source (or git) and stored secrets. */
  public String redeploy(Caller caller, String name, String version) {
    quota.ensureRoom(caller.username());
    Job job = prepare(caller, name, version);
    Manifest manifest = storedManifest(job);
    return start(
        new DeploymentTask(
            "pending",
            DeploymentKind.REDEPLOY,
            caller,
            manifest,
            jobType(manifest),
            job.infrastructureTarget(),
            p.contexts().load(job.name(), job.version()),
            secrets(job, job.infrastructureTarget()),
            Optional.empty(),
            Optional.empty(),
            true,
            List.of()));
  }

  /** Starts a job's built artifact again (a new environment, e.g. a rotated family token). */
  public String reprovision(Caller caller, String name, String version) {
    quota.ensureRoom(caller.username());
    Job job = prepare(caller, name, version);
    Manifest manifest = storedManifest(job);
    return start(
        new DeploymentTask(
            "pending",
            DeploymentKind.REPROVISION,
            caller,
            manifest,
            jobType(manifest),
            job.infrastructureTarget(),
            Optional.empty(),
            secrets(job, job.infrastructureTarget()),
            Optional.of(lastImage(job)),
            Optional.empty(),
            true,
            List.of()));
  }

  /** Starts a job on another infrastructure target and removes it from its current one. */
  public String move(Caller caller, String name, String version, String newTarget) {
    quota.ensureRoom(caller.username());
    Job job = prepare(caller, name, version);
    if (newTarget == null || newTarget.isBlank()) {
      throw new ValidationException("infrastructure_target is required");
    }
    String target = p.targets().get(newTarget).name();
    if (target.equals(job.infrastructureTarget())) {
      throw new ValidationException(
          "job " + job.name() + " v" + job.version() + " already runs on " + target);
    }
    Manifest manifest = storedManifest(job);
    return start(
        new DeploymentTask(
            "pending",
            DeploymentKind.MOVE,
            caller,
            manifest,
            jobType(manifest),
            target,
            p.contexts().load(job.name(), job.version()),
            secrets(job, job.infrastructureTarget()),
            Optional.of(lastImage(job)),
            Optional.ofNullable(job.infrastructureTarget()),
            true,
            List.of()));
  }

  /**
   * Validates and stores an edited manifest of a job (its name and version cannot change); the next
   * redeploy uses it.
   */
  public Job updateManifest(Caller caller, String name, String version, String manifestYaml) {
    Job job = prepare(caller, name, version);
    if (manifestYaml == null || manifestYaml.isBlank()) {
      throw new ValidationException("manifest_yaml is required");
    }
    Manifest manifest =
        p.validator()
            .validate(ManifestFiles.parseYaml(manifestYaml, "manifest_yaml"), "manifest_yaml")
            .manifest();
    if (!manifest.name().equals(job.name()) || !manifest.version().equals(job.version())) {
      throw new ValidationException(
          "the manifest's name and version cannot change ("
              + job.name()
              + " v"
              + job.version()
              + ", got "
              + manifest.name()
              + " v"
              + manifest.version()
              + ")");
    }
    jobType(manifest);
    if (!manifest.git().remote().equals(storedRemote(job))) {
      dropGitCredentials(job);
    }
    p.jdbi()
        .useTransaction(
            h -> {
              ROWS.updateManifest(h, job.id(), manifest.toYaml());
              p.audit()
                  .record(
                      h,
                      "job_manifest_updated",
                      caller.username(),
                      Optional.ofNullable(job.deployedBy()),
                      Optional.of(job.name()),
                      Optional.of(job.version()),
                      Map.of());
            });
    return p.jobs().get(job.name(), job.version());
  }

  /** The git remote of the stored manifest; "" when there is no readable one. */
  private String storedRemote(Job job) {
    try {
      return storedManifest(job).git().remote();
    } catch (RuntimeException e) {
      return "";
    }
  }

  /** Git credentials were given for one repository: a new remote must not receive them. */
  private void dropGitCredentials(Job job) {
    var target = p.targets().get(job.infrastructureTarget());
    target
        .secrets(job.name(), job.version())
        .filter(stored -> stored.gitCredentials().isPresent())
        .ifPresent(
            stored ->
                target.saveSecrets(
                    job.name(),
                    job.version(),
                    new JobSecrets(Optional.empty(), stored.buildEnv(), stored.runtimeEnv())));
  }

  private Job prepare(Caller caller, String name, String version) {
    p.maintenance().ensureOff();
    Job job = p.jobs().get(name, version);
    p.authorizer().requireJobScope(caller, AuthScope.DEPLOY_JOB, job.name(), job.version());
    if (job.infrastructureTarget() == null) {
      throw new ValidationException(
          "job " + job.name() + " v" + job.version() + " has no infrastructure target yet");
    }
    return job;
  }

  private Manifest storedManifest(Job job) {
    if (job.manifestYaml() == null) {
      throw new ValidationException(
          "job " + job.name() + " v" + job.version() + " has no stored manifest");
    }
    return p.validator()
        .validate(
            ManifestFiles.parseYaml(job.manifestYaml(), "stored manifest"),
            "stored manifest of " + job.name())
        .manifest();
  }

  private JobType jobType(Manifest manifest) {
    JobType jobType = p.plugins().jobType(manifest.jobtype());
    jobType.validate(manifest);
    return jobType;
  }

  private JobSecrets secrets(Job job, String target) {
    return p.targets().get(target).secrets(job.name(), job.version()).orElse(JobSecrets.none());
  }

  private String lastImage(Job job) {
    return p.deployments()
        .lastImage(job.name(), job.version())
        .orElseThrow(
            () ->
                new NotFoundException(
                    "no built artifact of job "
                        + job.name()
                        + " v"
                        + job.version()
                        + " is known; redeploy it instead"));
  }

  private String start(DeploymentTask pending) {
    String id =
        quota.admit(
            pending.caller().username(),
            () ->
                p.deployments()
                    .create(
                        pending.jobName(),
                        pending.jobVersion(),
                        pending.manifest().toYaml(),
                        pending.caller().username(),
                        pending.target()));
    requested.increment();
    DeploymentTask task = pending.withId(id);
    p.executor().submit(() -> p.pipeline().run(task));
    return id;
  }

  /** A deployment the caller may see (its own, or of a job it may read), with its job once done. */
  public Deployment get(Caller caller, String id) {
    Deployment d =
        p.deployments()
            .find(id)
            .filter(found -> visible(caller, found))
            .orElseThrow(() -> new NotFoundException("deployment " + id + " not found"));
    if (d.status() != DeploymentStatus.DONE) {
      return d;
    }
    Job job = p.jobRepository().find(d.jobName(), d.jobVersion()).orElse(null);
    return new Deployment(
        d.id(),
        d.status(),
        d.createTime(),
        d.updateTime(),
        d.error(),
        job,
        d.deployedBy(),
        d.phase(),
        d.imageName(),
        d.infrastructureTarget(),
        d.manifestYaml(),
        d.jobName(),
        d.jobVersion(),
        d.warnings());
  }

  /** The stored build log of a deployment the caller may see; empty before its build ends. */
  public String buildLogs(Caller caller, String id) {
    get(caller, id);
    return p.deployments().buildLogs(id).orElse("");
  }

  /** The latest deployments the caller may see. */
  public List<Deployment> list(Caller caller, int limit) {
    int bounded = Math.max(1, Math.min(limit, 1000));
    if (p.authorizer().readsEverything(caller)) {
      return p.deployments().list(bounded);
    }
    if (caller.authSubjectId().isEmpty()) {
      return List.of();
    }
    return p.deployments().listVisible(caller.authSubjectId().get(), caller.username(), bounded);
  }

  private boolean visible(Caller caller, Deployment d) {
    if (caller.username().equals(d.deployedBy()) || p.authorizer().readsEverything(caller)) {
      return true;
    }
    String version = p.jobs().resolveVersionOrEmpty(d.jobName(), d.jobVersion());
    return p.authorizer()
        .hasJobScope(caller, AuthScope.READ_JOB, d.jobName(), version, Optional.empty());
  }
}
