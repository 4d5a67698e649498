package dev.racetrack.imagebuilder;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.api.model.BuildResponseItem;
import dev.racetrack.docker.ContainerJobTypes;
import dev.racetrack.docker.DockerConfig;
import dev.racetrack.docker.DockerInfrastructurePlugin;
import dev.racetrack.docker.Images;
import dev.racetrack.model.build.BuildRequest;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.BuildTools;
import dev.racetrack.spi.JobType;
import dev.racetrack.spi.TemplateJobType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The builds of the container job types: a {@code dockerfile} job, and a job of a declarative
 * (template) job type from its rendered build context, are built by the Docker engine (classic
 * builder, host network), pushed to the configured registry with its credentials and named by
 * digest; a {@code docker-image} job is pulled and pinned to its digest (nothing is built).
 */
final class ContainerBuilds {
  /** The image label naming who deployed the job (a username, or {@code ESC: name}). */
  static final String DEPLOYER_LABEL = "racetrack.job.deployer";

  private static final Set<String> HANDLED =
      Set.of(ContainerJobTypes.Dockerfile.NAME, ContainerJobTypes.PrebuiltImage.NAME);
  private static final long BUILD_MINUTES = 30;

  private final DockerConfig config;

  ContainerBuilds(DockerConfig config) {
    this.config = config;
  }

  /** Whether this class builds jobs of {@code jobType}. */
  static boolean handles(JobType jobType) {
    return HANDLED.contains(jobType.name());
  }

  /** Builds (or resolves) the job's image; returns its reference pinned by digest. */
  String build(BuildRequest request, Manifest manifest, Path jobDir, BuildProgress progress) {
    requireImageOutput(request, manifest);
    return withDocker(
        docker ->
            manifest.jobtypeName().equals(ContainerJobTypes.Dockerfile.NAME)
                ? dockerfile(docker, request, manifest, jobDir, progress)
                : prebuilt(docker, manifest, progress));
  }

  /**
   * Builds the image of a declarative job type from its rendered build context (see {@link
   * TemplateJobType#renderBuildContext}) with the engine, pushes it and returns it pinned by
   * digest.
   *
   * @param prepared the rendered Dockerfiles, each inside {@code context}, and the build arguments
   */
  String template(
      BuildRequest request,
      Manifest manifest,
      TemplateJobType jobType,
      Path context,
      TemplateJobType.Prepared prepared,
      BuildProgress progress) {
    List<Path> dockerfiles = prepared.dockerfiles();
    requireImageOutput(request, manifest);
    progress.log("job type " + jobType.key() + ", building its Dockerfile template");
    if (!prepared.buildArgs().isEmpty()) {
      progress.log("build arguments: " + prepared.buildArgs()); // from the manifest: no secrets
    }
    if (dockerfiles.size() != 1) {
      throw new BuildException(
          "job type "
              + jobType.key()
              + " declares "
              + dockerfiles.size()
              + " images; the container targets run one image per job");
    }
    refuseSecretBuildEnv(request, "jobs of declarative job types");
    DockerConfig.Registry registry = registry();
    String repository =
        registry.address() + "/" + config.registryNamespace() + "/job-template/" + manifest.name();
    Map<String, String> labels = labels(manifest, request);
    labels.put("racetrack.job.type", jobType.key());
    return withDocker(
        docker ->
            buildAndPush(
                docker,
                new EngineBuild(
                    context,
                    dockerfiles.getFirst(),
                    repository,
                    request.tag(),
                    request.buildFlags().contains("--no-cache"),
                    prepared.buildArgs(),
                    labels),
                progress));
  }

  private static void requireImageOutput(BuildRequest request, Manifest manifest) {
    if (request.output() != BuildRequest.Output.IMAGE) {
      throw new BuildException(
          "job type "
              + manifest.jobtypeName()
              + " runs only on a container infrastructure target (set infrastructure_target:"
              + " docker)");
    }
  }

  private String withDocker(Function<DockerClient, String> work) {
    try (DockerClient docker = DockerInfrastructurePlugin.client(config)) {
      return work.apply(docker);
    } catch (java.io.IOException e) {
      throw new RacetrackException("closing the Docker client failed: " + e.getMessage(), e);
    } catch (DockerException e) {
      throw new BuildException("the Docker engine refused: " + e.getMessage(), e);
    }
  }

  private DockerConfig.Registry registry() {
    return config
        .registry()
        .orElseThrow(
            () ->
                new BuildException(
                    "no registry to push the image to: the operator must set DOCKER_REGISTRY"));
  }

  private static void refuseSecretBuildEnv(BuildRequest request, String what) {
    if (!request.secretBuildEnv().isEmpty()) {
      throw new BuildException(
          what
              + " take no secret build variables: Docker's classic builder would keep"
              + " them in the image's history");
    }
  }

  private String prebuilt(DockerClient docker, Manifest manifest, BuildProgress progress) {
    String image = ContainerJobTypes.PrebuiltImage.image(manifest);
    progress.phase("resolving image (1/1)");
    Images.pull(docker, config, image);
    String pinned = Images.pinned(docker, image);
    progress.log("image " + image + " is " + pinned);
    return pinned;
  }

  private String dockerfile(
      DockerClient docker,
      BuildRequest request,
      Manifest manifest,
      Path jobDir,
      BuildProgress progress) {
    refuseSecretBuildEnv(request, "dockerfile jobs");
    DockerConfig.Registry registry = registry();
    Path dockerfile =
        BuildTools.inside(
            jobDir,
            manifest.jobtypeExtraString(ContainerJobTypes.DOCKERFILE_PATH).orElse("Dockerfile"),
            "jobtype_extra.dockerfile_path");
    if (!Files.isRegularFile(dockerfile)) {
      throw new BuildException("the job has no Dockerfile at " + jobDir.relativize(dockerfile));
    }
    String repository =
        registry.address()
            + "/"
            + config.registryNamespace()
            + "/job-dockerfile/"
            + manifest.name();
    return buildAndPush(
        docker,
        new EngineBuild(
            jobDir,
            dockerfile,
            repository,
            request.tag(),
            request.buildFlags().contains("--no-cache"),
            manifest.buildEnv(),
            labels(manifest, request)),
        progress);
  }

  /** One build with the engine: a context directory, its Dockerfile and where to push. */
  private record EngineBuild(
      Path context,
      Path dockerfile,
      String repository,
      String tag,
      boolean noCache,
      Map<String, String> buildArgs,
      Map<String, String> labels) {}

  private String buildAndPush(DockerClient docker, EngineBuild spec, BuildProgress progress) {
    String image = spec.repository() + ":" + spec.tag();
    progress.phase("building image (1/1)");
    AuthConfigurations auths = new AuthConfigurations();
    Images.auth(config, image).ifPresent(auths::addConfig);
    var build =
        docker
            .buildImageCmd() // (a directory argument would require a file named Dockerfile in it)
            .withBaseDirectory(spec.context().toFile())
            .withDockerfile(spec.dockerfile().toFile())
            .withTags(Set.of(image))
            .withNetworkMode("host")
            .withNoCache(spec.noCache())
            .withBuildAuthConfigs(auths)
            .withLabels(spec.labels());
    spec.buildArgs().forEach(build::withBuildArg);
    build
        .exec(
            new BuildImageResultCallback() {
              @Override
              public void onNext(BuildResponseItem item) {
                if (item.getStream() != null) {
                  item.getStream().lines().forEach(progress::log);
                }
                super.onNext(item);
              }
            })
        .awaitImageId(BUILD_MINUTES, TimeUnit.MINUTES);
    progress.phase("pushing image (1/1)");
    var push = docker.pushImageCmd(spec.repository()).withTag(spec.tag());
    Images.auth(config, image).ifPresent(push::withAuthConfig);
    try {
      push.start().awaitCompletion(BUILD_MINUTES, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildException("interrupted while pushing " + image, e);
    }
    String pinned = Images.pinned(docker, image);
    progress.log("image pushed: " + pinned);
    return pinned;
  }

  private static Map<String, String> labels(Manifest manifest, BuildRequest request) {
    Map<String, String> labels = new TreeMap<>();
    labels.put("racetrack.job.name", manifest.name());
    labels.put("racetrack.job.version", manifest.version());
    if (!request.deployer().isEmpty()) {
      labels.put(DEPLOYER_LABEL, request.deployer());
    }
    return labels;
  }
}
