package dev.racetrack.lifecycle.main;

import dev.racetrack.lifecycle.LifecycleApp;
import dev.racetrack.lifecycle.LifecycleConfig;
import dev.racetrack.lifecycle.admin.AdminCommands;
import dev.racetrack.lifecycle.admin.AdminContext;
import dev.racetrack.model.StopSignals;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.Plugins;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the lifecycle as its own process:
 *
 * <ul>
 *   <li>{@code serve [--no-supervisor]} (the default): the API and the supervisor loop; without the
 *       loop with {@code --no-supervisor} or {@code SUPERVISOR_EMBEDDED=false}, when the supervisor
 *       runs as its own process;
 *   <li>{@code supervisor}: only the supervisor ({@link SupervisorMain});
 *   <li>{@code admin changepassword|createsuperuser|generate-auth ...}: admin commands on the
 *       database, also reachable as {@code generate-auth}, {@code changepassword} and {@code
 *       createsuperuser} directly, as in the original.
 * </ul>
 */
public final class LifecycleMain {
  private static final Logger LOG = LoggerFactory.getLogger(LifecycleMain.class);
  private static final List<String> ADMIN_COMMANDS =
      List.of("changepassword", "createsuperuser", "generate-auth", "revoke-auth");

  private LifecycleMain() {}

  public static void main(String[] args) throws InterruptedException {
    List<String> arguments = List.of(args);
    if (!arguments.isEmpty()
        && (arguments.getFirst().equals("admin")
            || ADMIN_COMMANDS.contains(arguments.getFirst()))) {
      String[] adminArgs =
          arguments.getFirst().equals("admin") ? Arrays.copyOfRange(args, 1, args.length) : args;
      System.exit(AdminCommands.commandLine(AdminContext.system()).execute(adminArgs));
    }
    if (!arguments.isEmpty() && arguments.getFirst().equals("supervisor")) {
      SupervisorMain.serve(System.getenv());
      return;
    }
    serve(
        System.getenv(),
        !arguments.contains("--no-supervisor")
            && new EnvReader(System.getenv()).bool("SUPERVISOR_EMBEDDED", true));
  }

  private static void serve(Map<String, String> env, boolean supervisor)
      throws InterruptedException {
    LifecycleConfig config =
        LifecycleConfig.fromEnv(
            env,
            LifecycleConfig.resolveAuthKey(env, new EnvReader(env).dataDir()),
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
    StopSignals stopped = StopSignals.install("lifecycle", System.out, () -> app.close());
    LOG.info("lifecycle started");
    stopped.await();
  }
}
