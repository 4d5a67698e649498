package dev.racetrack.imagebuilder;

import dev.racetrack.http.ApiServer;
import dev.racetrack.http.Metrics;
import dev.racetrack.model.FileTrees;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.spi.Plugins;
import dev.racetrack.spi.Sandbox;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The image builder's composition root. */
public final class ImageBuilderApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ImageBuilderApp.class);

  private final ApiServer server;

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
            List.of(
                new BuildRoutes(
                    builder,
                    config.token(),
                    version,
                    new BuildRoutes.Uploads(
                        config.uploads(), maxBodyBytes, config.maxBuildContextBytes()))));
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

  @Override
  public void close() {
    server.close();
  }
}
