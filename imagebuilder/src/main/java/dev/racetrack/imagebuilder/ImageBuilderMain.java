package dev.racetrack.imagebuilder;

import dev.racetrack.model.StopSignals;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.PluginBundle;
import dev.racetrack.spi.PluginStore;
import dev.racetrack.spi.Plugins;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Runs the image builder as its own process. */
public final class ImageBuilderMain {
  private ImageBuilderMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    String token =
        new EnvReader(env)
            .optional("INTERNAL_TOKEN")
            .orElseThrow(
                () ->
                    new ValidationException(
                        "environment variable INTERNAL_TOKEN must be set (the secret lifecycle presents)"));
    String version =
        Optional.ofNullable(ImageBuilderMain.class.getPackage().getImplementationVersion())
            .orElse("dev");
    ImageBuilderConfig config = ImageBuilderConfig.fromEnv(env, token);
    Plugins plugins = Plugins.discover();
    plugins.watch(
        new PluginStore(
            PluginStore.directory(env, config.dataDir()),
            PluginBundle.Limits.standard(),
            Clock.systemUTC()),
        Set.of("image-builder"),
        Duration.ofSeconds(1));
    ImageBuilderApp app = ImageBuilderApp.start(config, plugins, Clock.systemUTC(), version);
    Duration drain =
        Duration.ofSeconds(
            new EnvReader(env)
                .positiveLong("SHUTDOWN_DRAIN_SECONDS", ImageBuilderApp.DEFAULT_DRAIN.toSeconds()));
    // builds in flight may finish, up to the limit
    StopSignals stopped =
        StopSignals.install("the image builder", System.out, () -> app.close(drain));
    stopped.await();
  }
}
