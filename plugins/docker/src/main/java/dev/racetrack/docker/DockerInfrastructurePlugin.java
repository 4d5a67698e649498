package dev.racetrack.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.racetrack.spi.InfrastructurePlugin;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobProbe;
import dev.racetrack.spi.PluginContext;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Provides the {@code docker} infrastructure target. */
public final class DockerInfrastructurePlugin implements InfrastructurePlugin {
  private static final Logger LOG = LoggerFactory.getLogger(DockerInfrastructurePlugin.class);

  private final String name;

  /** The {@code docker} target (found with ServiceLoader). */
  public DockerInfrastructurePlugin() {
    this(DockerTarget.NAME);
  }

  /** A Docker target under another name (a second engine, or tests sharing one engine). */
  public DockerInfrastructurePlugin(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public InfrastructureTarget create(PluginContext context) {
    DockerConfig config = DockerConfig.fromEnv(context.env());
    LOG.info(
        "docker target {}: engine {}, network {}, user {}, restart {}, registry {}",
        name,
        config.dockerHost(),
        config.network(),
        config.user(),
        config.restartPolicy(),
        config.registry().map(DockerConfig.Registry::toString).orElse("(none)"));
    switch (config.relay()) {
      case AUTO ->
          LOG.info(
              "docker target {}: jobs of types without the platform's wrapper (dockerfile,"
                  + " docker-image, plugin types) each run in a network namespace of their own,"
                  + " reachable only through a relay's Unix socket (relay image {})",
              name,
              config.relayImage());
      case ALL ->
          LOG.info(
              "docker target {}: every job runs in a network namespace of its own, reachable"
                  + " only through a relay's Unix socket (relay image {})",
              name,
              config.relayImage());
      case OFF ->
          LOG.warn(
              "docker target {}: DOCKER_TARGET_RELAY=off: jobs listen on ports any local process"
                  + " can open; dockerfile and docker-image jobs that do not check"
                  + " X-Racetrack-Job-Secret answer callers that bypass PUB",
              name);
    }
    return new DockerTarget(
        name,
        new JobContainers(client(config), config),
        new DockerStore(context.dataDir(), context.secrets()),
        config,
        new JobProbe(context.httpClient(), context.clock()));
  }

  /** A docker-java client for the configured engine (plain HTTP over a unix socket or TCP). */
  public static DockerClient client(DockerConfig config) {
    DefaultDockerClientConfig clientConfig =
        DefaultDockerClientConfig.createDefaultConfigBuilder()
            .withDockerHost(config.dockerHost())
            .withDockerTlsVerify(false)
            .build();
    ApacheDockerHttpClient http =
        new ApacheDockerHttpClient.Builder()
            .dockerHost(clientConfig.getDockerHost())
            .sslConfig(clientConfig.getSSLConfig())
            .maxConnections(64)
            .connectionTimeout(Duration.ofSeconds(10))
            .build();
    return DockerClientImpl.getInstance(clientConfig, http);
  }
}
