package dev.racetrack.imagebuilder;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.api.model.BuildResponseItem;
import dev.racetrack.docker.DockerConfig;
import dev.racetrack.docker.DockerInfrastructurePlugin;
import dev.racetrack.docker.Images;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildProgress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The base images of jobs with {@code system_dependencies}: a job type's base image with the Debian
 * packages installed by apt, built once per (base image digest, sorted package list) by the Docker
 * engine (classic builder, host network) and pushed to {@code
 * <registry>/<namespace>/system-deps/<job type>:<sha256>}; later builds with the same base and
 * packages reuse it from the registry. The generated Dockerfile holds nothing from the user but
 * validated package names.
 */
final class DerivedBaseImages {
  static final String REPOSITORY_SEGMENT = "system-deps";
  private static final long BUILD_MINUTES = 30;

  private final DockerConfig config;

  DerivedBaseImages(DockerConfig config) {
    this.config = config;
  }

  /**
   * The base image with {@code packages} installed, pinned by digest; built and pushed unless the
   * registry has it already.
   *
   * @param workDir an empty directory for the build context (only the generated Dockerfile)
   */
  String derive(
      String jobType, String base, List<String> packages, Path workDir, BuildProgress progress) {
    SystemPackages.requireNames(packages);
    DockerConfig.Registry registry =
        config
            .registry()
            .orElseThrow(
                () ->
                    new BuildException(
                        "system_dependencies in images need a registry for the derived base"
                            + " image: the operator must set DOCKER_REGISTRY"));
    progress.phase("installing system dependencies in the base image");
    try (DockerClient docker = DockerInfrastructurePlugin.client(config)) {
      requireEngine(docker);
      Images.pull(docker, config, base);
      String pinnedBase = Images.pinned(docker, base);
      Set<String> sorted = new TreeSet<>(packages);
      String repository =
          registry.address()
              + "/"
              + config.registryNamespace()
              + "/"
              + REPOSITORY_SEGMENT
              + "/"
              + repositoryName(jobType);
      String image = repository + ":" + tag(pinnedBase, sorted);
      if (inRegistry(docker, image)) {
        String pinned = Images.pinned(docker, image);
        progress.log("reusing " + pinned + " (system_dependencies " + sorted + " on " + base + ")");
        return pinned;
      }
      progress.log("installing system_dependencies " + sorted + " on " + pinnedBase);
      Path dockerfile = workDir.resolve("Dockerfile");
      Files.createDirectories(workDir);
      Files.writeString(dockerfile, dockerfile(pinnedBase, sorted));
      build(docker, workDir, dockerfile, image, pinnedBase, sorted, progress);
      push(docker, repository, image);
      String pinned = Images.pinned(docker, image);
      progress.log("derived base image pushed: " + pinned);
      return pinned;
    } catch (IOException e) {
      throw new UncheckedIOException("deriving the base image failed: " + e.getMessage(), e);
    } catch (DockerException | DockerClientException e) {
      throw new BuildException(
          "installing system_dependencies " + packages + " failed: " + e.getMessage(), e);
    }
  }

  /** The Dockerfile of a derived base image: its base pinned by digest, one apt-get layer. */
  static String dockerfile(String pinnedBase, Set<String> packages) {
    SystemPackages.requireNames(List.copyOf(packages));
    return "FROM "
        + pinnedBase
        + "\nUSER root\nRUN apt-get update"
        + " && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "
        + String.join(" ", packages)
        + " && rm -rf /var/lib/apt/lists/*\n";
  }

  /** The tag of a derived base image: sha256 of the base's digest and the sorted packages. */
  static String tag(String pinnedBase, Set<String> packages) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(pinnedBase.getBytes(StandardCharsets.UTF_8));
      for (String p : new TreeSet<>(packages)) {
        sha.update((byte) '\n');
        sha.update(p.getBytes(StandardCharsets.UTF_8));
      }
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  static String repositoryName(String jobType) {
    return jobType.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9._-]", "-");
  }

  private void requireEngine(DockerClient docker) {
    try {
      docker.pingCmd().exec();
    } catch (RuntimeException e) {
      throw new BuildException(
          "system_dependencies in images are installed by a Docker engine, and the image builder"
              + " cannot reach one at "
              + config.dockerHost()
              + ": the operator must set DOCKER_HOST to a reachable engine ("
              + e.getMessage()
              + ")",
          e);
    }
  }

  /** Pulls the image; false when the registry does not have it (or cannot give it). */
  private boolean inRegistry(DockerClient docker, String image) {
    try {
      Images.pull(docker, config, image);
      return true;
    } catch (RacetrackException | DockerClientException e) {
      return false;
    }
  }

  private void build(
      DockerClient docker,
      Path context,
      Path dockerfile,
      String image,
      String pinnedBase,
      Set<String> packages,
      BuildProgress progress) {
    AuthConfigurations auths = new AuthConfigurations();
    Images.auth(config, pinnedBase).ifPresent(auths::addConfig);
    Map<String, String> labels = new TreeMap<>();
    labels.put("racetrack.system-deps.base", pinnedBase);
    labels.put("racetrack.system-deps.packages", String.join(" ", packages));
    docker
        .buildImageCmd()
        .withBaseDirectory(context.toFile())
        .withDockerfile(dockerfile.toFile())
        .withTags(Set.of(image))
        .withNetworkMode("host")
        .withNoCache(true) // a registry miss runs apt afresh: current packages, not a stale layer
        .withBuildAuthConfigs(auths)
        .withLabels(labels)
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
  }

  private void push(DockerClient docker, String repository, String image) {
    var push = docker.pushImageCmd(repository).withTag(image.substring(repository.length() + 1));
    Images.auth(config, image).ifPresent(push::withAuthConfig);
    try {
      push.start().awaitCompletion(BUILD_MINUTES, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildException("interrupted while pushing " + image, e);
    }
  }
}
