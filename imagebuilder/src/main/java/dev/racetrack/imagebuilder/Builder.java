package dev.racetrack.imagebuilder;

import dev.racetrack.model.FileTrees;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.build.BuildResult;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestFiles;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.spi.ArtifactStore;
import dev.racetrack.spi.BuildCache;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.ImagePlan;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.JobType;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.Plugins;
import dev.racetrack.spi.Sandbox;
import dev.racetrack.spi.TemplateJobType;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns source + manifest into a runnable artifact (§7.3), reporting phases as it goes and keeping
 * the full build log. Never throws for a failing build: the failure is in the result.
 */
public final class Builder {
  private static final Logger LOG = LoggerFactory.getLogger(Builder.class);
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9-]{1,64}");

  /** Validates manifests read back from a repository (its remote scheme was checked already). */
  private static final ManifestValidator LENIENT =
      new ManifestValidator(Set.of("https", "http", "file"));

  private static final Pattern SAFE_TAG = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  private final ImageBuilderConfig config;
  private final Plugins plugins;
  private final SourceFetcher fetcher;
  private final Clock clock;
  private final Semaphore slots;
  private final BuildMetrics metrics;
  private final Sandbox sandbox;
  private final JobImages images;
  private final String platformVersion;

  public Builder(
      ImageBuilderConfig config,
      Plugins plugins,
      SourceFetcher fetcher,
      Clock clock,
      MeterRegistry metrics,
      Sandbox sandbox,
      String platformVersion) {
    this.config = config;
    this.images = new JobImages(config.images(), config.imageCache());
    this.platformVersion = platformVersion;
    this.sandbox = sandbox;
    this.plugins = plugins;
    this.fetcher = fetcher;
    this.clock = clock;
    this.slots = new Semaphore(config.concurrentBuilds(), true);
    this.metrics = new BuildMetrics(metrics);
  }

  /**
   * Builds from the request alone: its inline base64 {@code buildContext}, if any, else its git
   * remote (in-process callers and tests; the HTTP routes decode the context into a file).
   */
  public BuildResult build(BuildRequest request, BuildProgress progress) {
    return build(request, Optional.empty(), progress);
  }

  /**
   * Builds; progress goes to {@code progress} (phases and warnings) and the build log.
   *
   * @param context the decoded build context (a .tar.gz), when the request came with one; the
   *     caller owns (and deletes) the file
   */
  public BuildResult build(BuildRequest request, Optional<Path> context, BuildProgress progress) {
    if (!SAFE_ID.matcher(request.deploymentId()).matches()
        || !SAFE_TAG.matcher(request.tag()).matches()) {
      return new BuildResult(null, "", "invalid deployment id or tag", List.of());
    }
    List<String> warnings = new ArrayList<>();
    Path workspace = config.workspaces().resolve(request.deploymentId());
    try (BuildLog log =
        new BuildLog(config.buildLogs().resolve(request.deploymentId() + ".log"), clock)) {
      BuildMetrics.Build measured = startMeasuring(request);
      BuildProgress tee = tee(progress, log, warnings, measured);
      boolean succeeded = false;
      try {
        acquireSlot(tee);
        try {
          String image = buildIn(request, context, workspace, tee);
          succeeded = true;
          return new BuildResult(image, log.text(), null, warnings);
        } finally {
          slots.release();
          tee.phase("cleaning up the workspace");
          cleanUp(workspace, tee);
        }
      } catch (RacetrackException | UncheckedIOException e) {
        log.line("ERROR: " + e.getMessage());
        return new BuildResult(null, log.text(), e.getMessage(), warnings);
      } catch (RuntimeException e) {
        LOG.error("build {} failed unexpectedly", request.deploymentId(), e);
        log.line("ERROR: " + e);
        return new BuildResult(null, log.text(), "unexpected build error: " + e, warnings);
      } finally {
        measured.finish(succeeded);
      }
    }
  }

  /** Starts the metrics of a build, labelled with the job's name and (defaulted) version. */
  private BuildMetrics.Build startMeasuring(BuildRequest request) {
    try {
      Manifest manifest = LENIENT.validate(request.manifest(), "manifest").manifest();
      return metrics.start(manifest.name(), manifest.version());
    } catch (RacetrackException e) {
      return metrics.start(String.valueOf(request.manifest().get("name")), "invalid");
    }
  }

  private String buildIn(
      BuildRequest request, Optional<Path> context, Path workspace, BuildProgress progress) {
    Manifest manifest =
        new ManifestValidator(config.gitAllowedSchemes())
            .validate(request.manifest(), "manifest")
            .manifest();
    SystemPackages.requireNames(manifest.systemDependencies());
    progress.phase("fetching the source code");
    prepareEmpty(workspace);
    boolean uploaded = context.isPresent() || request.buildContext() != null;
    SourceFetcher.Fetched source =
        context.isPresent()
            ? fetcher.fromUpload(context.get(), workspace)
            : request.buildContext() != null
                ? fetcher.fromUpload(request.buildContext(), workspace, manifest)
                : fetcher.fromGit(
                    manifest, Optional.ofNullable(request.gitCredentials()), workspace);
    progress.log("source: " + source.revision());
    if (!uploaded) {
      checkConsistency(source.jobDir(), request.manifest(), progress);
    }
    progress.phase("preparing job type builder");
    plugins.reloadNow(); // a job type installed a moment ago, before the watcher's next poll
    JobType jobType = plugins.jobType(manifest.jobtype());
    jobType.validate(manifest);
    if (ContainerBuilds.handles(jobType)) {
      return new ContainerBuilds(config.docker())
          .build(request, manifest, source.jobDir(), progress);
    }
    if (jobType instanceof TemplateJobType template
        && request.output() == BuildRequest.Output.IMAGE) {
      return buildTemplate(request, manifest, template, source, progress);
    }
    Map<String, String> buildEnv = new HashMap<>(manifest.buildEnv());
    buildEnv.putAll(request.secretBuildEnv());
    if (request.output() == BuildRequest.Output.IMAGE) {
      return buildImage(request, manifest, jobType, source, buildEnv, progress);
    }
    SystemPackages.dpkg().requireInstalled(manifest.systemDependencies());
    progress.log("job type " + jobType.key());
    progress.phase("building image (1/1)");
    Path artifact = config.artifacts().dir(manifest.name(), manifest.version(), request.tag());
    prepareEmpty(artifact);
    LaunchSpec launch =
        jobType.buildLocal(
            new JobBuild(
                manifest,
                source.jobDir(),
                artifact,
                buildEnv,
                config.toolEnv(),
                progress,
                sandbox,
                Optional.of(BuildCache.root(config.dataDir()))));
    ArtifactStore.writeLaunch(artifact, launch);
    progress.phase("finalizing the build");
    progress.log("artifact ready: " + artifact);
    return artifact.toString();
  }

  /**
   * Builds an OCI image: the job type stages its files and plans the layers; the files are staged
   * in a directory of their own next to the workspace and removed afterwards.
   */
  private String buildImage(
      BuildRequest request,
      Manifest manifest,
      JobType jobType,
      SourceFetcher.Fetched source,
      Map<String, String> buildEnv,
      BuildProgress progress) {
    progress.log("job type " + jobType.key() + ", building an OCI image");
    Path staging = config.workspaces().resolve(request.deploymentId() + ".image");
    prepareEmpty(staging);
    try {
      String base = images.baseImage(jobType.name());
      if (!manifest.systemDependencies().isEmpty()) {
        base =
            new DerivedBaseImages(config.docker())
                .derive(
                    jobType.name(),
                    base,
                    manifest.systemDependencies(),
                    staging.resolve("system-deps"),
                    progress);
      }
      progress.phase("building image (1/1)");
      ImagePlan plan =
          jobType.buildImage(
              new JobBuild(
                  manifest,
                  source.jobDir(),
                  staging.resolve("files"),
                  buildEnv,
                  config.toolEnv(),
                  progress,
                  sandbox,
                  Optional.of(BuildCache.root(config.dataDir()))));
      Map<String, String> labels = new TreeMap<>();
      labels.put("org.opencontainers.image.title", manifest.name());
      labels.put("org.opencontainers.image.version", manifest.version());
      labels.put("org.opencontainers.image.revision", source.revision());
      labels.put("racetrack.job.name", manifest.name());
      labels.put("racetrack.job.version", manifest.version());
      labels.put("racetrack.job.owner", String.valueOf(manifest.ownerEmail()));
      labels.put("racetrack.job.type", jobType.key());
      if (!request.deployer().isEmpty()) {
        labels.put(ContainerBuilds.DEPLOYER_LABEL, request.deployer());
      }
      labels.put("racetrack.git.ref", source.revision());
      labels.put("racetrack.platform.version", platformVersion);
      return images.build(
          new JobImages.Job(
              manifest.name(), manifest.version(), jobType.name(), request.tag(), labels),
          base,
          plan,
          staging,
          progress);
    } finally {
      if (config.cleanUpWorkspaces()) {
        FileTrees.delete(staging);
      }
    }
  }

  /**
   * Builds a job of a declarative job type with the engine: its build context (the job's source,
   * the bundle's files and the rendered Dockerfile) is prepared next to the workspace and removed
   * afterwards.
   */
  private String buildTemplate(
      BuildRequest request,
      Manifest manifest,
      TemplateJobType jobType,
      SourceFetcher.Fetched source,
      BuildProgress progress) {
    Path context = config.workspaces().resolve(request.deploymentId() + ".context");
    prepareEmpty(context);
    try {
      TemplateJobType.Prepared prepared =
          jobType.prepare(
              manifest,
              source.jobDir(),
              context,
              new TemplateJobType.Values(source.revision(), platformVersion));
      return new ContainerBuilds(config.docker())
          .template(request, manifest, jobType, context, prepared, progress);
    } finally {
      if (config.cleanUpWorkspaces()) {
        FileTrees.delete(context);
      }
    }
  }

  /** Warns when the repository's job.yaml differs from the manifest submitted (§7.3). */
  private static void checkConsistency(
      Path jobDir, Map<String, Object> submitted, BuildProgress progress) {
    try {
      Path file = ManifestFiles.locate(jobDir);
      Map<String, Object> fromRepo = ManifestFiles.read(file).content();
      Map<String, Object> canonicalRepo =
          LENIENT.validate(fromRepo, file.toString()).manifest().toMap();
      Map<String, Object> canonicalSubmitted =
          LENIENT.validate(submitted, "manifest").manifest().toMap();
      if (!canonicalRepo.equals(canonicalSubmitted)) {
        progress.warning(
            "the submitted manifest differs from "
                + jobDir.relativize(file)
                + " in the repository; the submitted one is used");
      }
    } catch (RacetrackException e) {
      progress.warning(
          "cannot compare the manifest with the repository's job.yaml: " + e.getMessage());
    }
  }

  private void acquireSlot(BuildProgress progress) {
    if (slots.tryAcquire()) {
      return;
    }
    progress.phase("waiting for a free builder");
    try {
      slots.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RacetrackException("interrupted while waiting for a free builder");
    }
  }

  private void cleanUp(Path workspace, BuildProgress progress) {
    if (!config.cleanUpWorkspaces()) {
      return;
    }
    try {
      FileTrees.delete(workspace);
    } catch (UncheckedIOException e) {
      progress.warning("could not clean up the workspace: " + e.getMessage());
    }
  }

  private static void prepareEmpty(Path dir) {
    FileTrees.delete(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
    }
  }

  /** Sends phases and warnings to the caller and every line to the build log. */
  private static BuildProgress tee(
      BuildProgress progress, BuildLog log, List<String> warnings, BuildMetrics.Build measured) {
    return new BuildProgress() {
      @Override
      public void phase(String phase) {
        measured.phase(phase);
        log.line("== " + phase);
        progress.phase(phase);
      }

      @Override
      public void warning(String warning) {
        log.line("WARNING: " + warning);
        warnings.add(warning);
        progress.warning(warning);
      }

      @Override
      public void log(String line) {
        log.line(line);
        progress.log(line);
      }
    };
  }
}
