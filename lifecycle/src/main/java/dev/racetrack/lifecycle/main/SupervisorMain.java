package dev.racetrack.lifecycle.main;

import dev.racetrack.lifecycle.LifecycleConfig;
import dev.racetrack.lifecycle.SupervisorApp;
import dev.racetrack.model.StopSignals;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.spi.Plugins;
import java.time.Clock;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the supervisor as its own process (the {@code supervisor} image), configured by the same
 * environment as lifecycle (the database settings, the infrastructure target's settings, {@code
 * SUPERVISOR_INTERVAL_SECONDS}) plus {@code SUPERVISOR_HOST} and {@code SUPERVISOR_PORT} for its
 * health endpoints. It logs to stdout and stops gracefully on SIGTERM: the running task finishes
 * (up to ten seconds) before the process exits. Lifecycle then runs with {@code
 * SUPERVISOR_EMBEDDED=false}.
 */
public final class SupervisorMain {
  private static final Logger LOG = LoggerFactory.getLogger(SupervisorMain.class);

  private SupervisorMain() {}

  public static void main(String[] args) throws InterruptedException {
    serve(System.getenv());
  }

  static void serve(Map<String, String> env) throws InterruptedException {
    LifecycleConfig config =
        LifecycleConfig.fromEnv(
            env,
            LifecycleConfig.resolveAuthKey(env, new EnvReader(env).dataDir()),
            // the supervisor calls no other component
            new EnvReader(env).optional("INTERNAL_TOKEN").orElse(""));
    SupervisorApp app = SupervisorApp.start(config, Plugins.discover(), Clock.systemUTC());
    StopSignals stopped =
        StopSignals.install(
            "the supervisor",
            System.out,
            () -> {
              LOG.info("supervisor stopping");
              app.close();
            });
    LOG.info("supervisor started, health on port {}", app.port());
    stopped.await();
  }
}
