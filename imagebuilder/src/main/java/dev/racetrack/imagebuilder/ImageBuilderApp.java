package dev.racetrack.imagebuilder;

import dev.racetrack.http.ApiServer;
import dev.racetrack.http.Metrics;
import dev.racetrack.model.FileTrees;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.spi.Plugins;
import dev.racetrack.spi.Sandbox;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The image builder's composition root. */
public final class ImageBuilderApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImageBuilderApp.class);

  /** How long a stop waits for the builds in flight by default. */
  public static final Duration DEFAULT_DRAIN = Duration.ofSeconds(30);

  /** How long the builds that ended get to write their answers once the drain is over. */
  private static final Duration ANSWER_GRACE = Duration.ofSeconds(5);

  private final ApiServer server;
  private final BuildRoutes routes;

  private ImageBuilderApp(ImageBuilderConfig config, Plugins plugins, Clock clock, String version) {
    LOG.info("image builder configuration: {}", config.describe());
    PrometheusMeterRegistry metrics = Metrics.registry();
    BuildContext.Limits limits =
        new BuildContext.Limits(
            config.maxBuildContextBytes(), config.maxBuildContextBytes() * 8, 100_000);
    Sandbox sandbox =
        Sandbox.create(
            config.sandbox(),
            List.of(config.dataDir()),
            program -> Sandbox.onPath(config.toolEnv(), program));
    if (sandbox.confines()) {
      LOG.info("build steps run in the sandbox: {}", sandbox.describe());
    } else {
      LOG.warn(
          "!!! {}=none: build steps (pip, javac) run UNCONFINED with access to the platform's data"
              + " directory and keys; use this only on a trusted single-user machine !!!",
          Sandbox.VARIABLE);
    }
    FileTrees.delete(config.uploads()); // what a crashed builder was receiving
    long maxBodyBytes = config.maxBuildContextBytes() * 2;
    Builder builder =
        new Builder(config, plugins, new SourceFetcher(limits), clock, metrics, sandbox, version);
    routes =
        new BuildRoutes(
            builder,
            config.token(),
            version,
            new BuildRoutes.Uploads(config.uploads(), maxBodyBytes, config.maxBuildContextBytes()));
    server =
        new ApiServer(
            new ApiServer.Settings(
                "image-builder",
                version,
                config.host(),
                config.port(),
                List.of("", "/image-builder"),
                maxBodyBytes),
            config.tls(),
            metrics,
            List.of(routes));
  }

  public static ImageBuilderApp start(
      ImageBuilderConfig config, Plugins plugins, Clock clock, String version) {
    ImageBuilderApp app = new ImageBuilderApp(config, plugins, clock, version);
    app.server.start();
    return app;
  }

  public int port() {
    return server.port();
  }

  /** Stops after the builds in flight, waiting for them up to {@link #DEFAULT_DRAIN}. */
  @Override
  public void close() {
    close(DEFAULT_DRAIN);
  }

  /**
   * Stops gracefully: new builds are refused (503, and {@code /ready} answers 503), the builds in
   * flight may finish for up to {@code drain}, then the server stops (cutting the ones left).
   */
  public void close(Duration drain) {
    int left = routes.drain(drain);
    if (left > 0) {
      LOG.warn("{} build(s) still running after {} s: stopping anyway", left, drain.toSeconds());
    }
    // the builds that ended may still be writing their answers: let those requests complete
    server.close(left > 0 ? Duration.ofMillis(1) : ANSWER_GRACE);
  }
}
