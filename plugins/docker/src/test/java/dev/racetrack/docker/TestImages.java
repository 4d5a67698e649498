package dev.racetrack.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import dev.racetrack.testsupport.Containers;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Builds the contract job's image from the local python base and pushes it to the registry. */
final class TestImages {
  private TestImages() {}

  static AuthConfig auth(Containers c) {
    return new AuthConfig()
        .withRegistryAddress(c.registry())
        .withUsername(c.registryUser())
        .withPassword(c.registryPassword());
  }

  /** The pushed contract job image, pinned by digest. */
  static String contractJob(DockerClient docker, Containers c, String repository) throws Exception {
    String tag = "t" + System.nanoTime();
    String image = c.registry() + "/" + repository;
    AuthConfigurations auths = new AuthConfigurations();
    auths.addConfig(auth(c));
    docker
        .buildImageCmd(resource("contract-job").toFile())
        .withBuildArg("BASE", c.pythonBase())
        .withBuildAuthConfigs(auths)
        .withTags(Set.of(image + ":" + tag))
        .start()
        .awaitImageId(5, TimeUnit.MINUTES);
    docker
        .pushImageCmd(image)
        .withTag(tag)
        .withAuthConfig(auth(c))
        .start()
        .awaitCompletion(5, TimeUnit.MINUTES);
    List<String> digests = docker.inspectImageCmd(image + ":" + tag).exec().getRepoDigests();
    String pinned =
        digests.stream()
            .filter(d -> d.startsWith(image + "@"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no digest after push: " + digests));
    docker.removeImageCmd(image + ":" + tag).withForce(true).exec();
    return pinned;
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(TestImages.class.getResource("/" + name).toURI());
  }
}
