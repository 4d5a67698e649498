package dev.racetrack.lifecycle;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.Plugins;
import dev.racetrack.spi.SecretBox;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the lifecycle as its own process: {@code serve} (API and supervisor loop, the default) or
 * {@code serve --no-supervisor}. The all-in-one server starts the same {@link LifecycleApp}.
 */
public final class LifecycleMain {
  private static final Logger LOG = LoggerFactory.getLogger(LifecycleMain.class);

  private LifecycleMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    boolean supervisor = !List.of(args).contains("--no-supervisor");
    LifecycleConfig config =
        LifecycleConfig.fromEnv(
            env,
            authKey(env, new EnvReader(env).dataDir()),
            new EnvReader(env)
                .optional("INTERNAL_TOKEN")
                .orElseThrow(
                    () ->
                        new ValidationException(
                            "environment variable INTERNAL_TOKEN must be set to the secret shared with the image builder and PUB"
                                + " when lifecycle runs as its own process")));
    LifecycleApp app =
        LifecycleApp.start(config, Plugins.discover(), Clock.systemUTC(), supervisor);
    app.generatedAdminPassword()
        .ifPresent(p -> System.out.println("Initial admin password (shown once): " + p));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                }));
    LOG.info("lifecycle started");
    stopped.await();
  }

  /** {@code AUTH_KEY}, or the key generated once and kept in the data directory. */
  public static String authKey(Map<String, String> env, Path dataDir) {
    Optional<String> configured = new EnvReader(env).optional("AUTH_KEY");
    return configured.orElseGet(
        () -> SecretBox.readOrCreateKey(dataDir.resolve("keys").resolve("auth_key"), 32));
  }

  /** The platform version, from the jar manifest ({@code dev} when run from classes). */
  public static String version() {
    return Optional.ofNullable(LifecycleMain.class.getPackage().getImplementationVersion())
        .orElse("dev");
  }
}
