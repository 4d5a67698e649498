package dev.racetrack.imagebuilder;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.Plugins;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

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
    ImageBuilderApp app =
        ImageBuilderApp.start(
            ImageBuilderConfig.fromEnv(env, token), Plugins.discover(), Clock.systemUTC(), version);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
