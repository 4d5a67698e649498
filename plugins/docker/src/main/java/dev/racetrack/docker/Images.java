package dev.racetrack.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import dev.racetrack.model.error.RacetrackException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Pulling images (with the configured registry's credentials) and pinning them by digest. */
public final class Images {
  private static final long PULL_MINUTES = 15;

  private Images() {}

  /** The credentials of the configured registry, for pulls and pushes of its images. */
  public static Optional<AuthConfig> auth(DockerConfig config, String image) {
    return config
        .registryOf(image)
        .map(
            r ->
                new AuthConfig()
                    .withRegistryAddress(r.address())
                    .withUsername(r.username())
                    .withPassword(r.password()));
  }

  /** The repository of a reference: without its tag and digest. */
  public static String repository(String image) {
    int at = image.indexOf('@');
    String named = at > 0 ? image.substring(0, at) : image;
    int colon = named.lastIndexOf(':');
    return colon > named.lastIndexOf('/') ? named.substring(0, colon) : named;
  }

  /**
   * Pulls an image.
   *
   * @throws RacetrackException naming the image when it cannot be pulled
   */
  public static void pull(DockerClient docker, DockerConfig config, String image) {
    String repository = repository(image);
    int at = image.indexOf('@');
    String rest = image.substring(repository.length());
    String tag =
        at > 0 ? image.substring(at + 1) : rest.startsWith(":") ? rest.substring(1) : "latest";
    var pull = docker.pullImageCmd(repository).withTag(tag);
    auth(config, image).ifPresent(pull::withAuthConfig);
    try {
      if (!pull.start().awaitCompletion(PULL_MINUTES, TimeUnit.MINUTES)) {
        throw new RacetrackException(
            "pulling image " + image + " took over " + PULL_MINUTES + " min");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RacetrackException("interrupted while pulling image " + image, e);
    } catch (DockerException e) {
      throw new RacetrackException("cannot pull image " + image + ": " + e.getMessage(), e);
    }
  }

  public static Optional<InspectImageResponse> inspect(DockerClient docker, String image) {
    try {
      return Optional.of(docker.inspectImageCmd(image).exec());
    } catch (NotFoundException e) {
      return Optional.empty();
    }
  }

  /**
   * The image's reference pinned by the digest its registry knows it by ({@code repo@sha256:...}).
   *
   * @throws RacetrackException when the engine knows no digest of it in that repository (it was
   *     never pushed or pulled)
   */
  public static String pinned(DockerClient docker, String image) {
    String repository = repository(image);
    List<String> digests =
        inspect(docker, image).map(InspectImageResponse::getRepoDigests).orElse(List.of());
    return digests.stream()
        .filter(d -> d.startsWith(repository + "@"))
        .findFirst()
        .orElseThrow(
            () ->
                new RacetrackException(
                    "image "
                        + image
                        + " has no digest in "
                        + repository
                        + " (not in a registry?)"));
  }
}
