package dev.racetrack.local;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.spi.InfrastructurePlugin;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobProbe;
import dev.racetrack.spi.PluginContext;
import dev.racetrack.spi.Sandbox;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Provides the {@code local} infrastructure target (the embedded default). */
public final class LocalInfrastructurePlugin implements InfrastructurePlugin {
  private static final Logger LOG = LoggerFactory.getLogger(LocalInfrastructurePlugin.class);

  /** Platform variables jobs inherit by default; everything else (secrets!) is withheld. */
  static final String DEFAULT_PASS_ENV =
      "PATH,HOME,USER,LANG,LC_ALL,LC_CTYPE,TZ,TMPDIR,JAVA_HOME,PYENV_ROOT,PYENV_VERSION,SSL_CERT_FILE,SSL_CERT_DIR,"
          + "HTTP_PROXY,HTTPS_PROXY,NO_PROXY,http_proxy,https_proxy,no_proxy";

  private final String name;

  /** The {@code local} target (found with ServiceLoader). */
  public LocalInfrastructurePlugin() {
    this(LocalTarget.NAME);
  }

  /** A local target under another name: a second pool of local processes (tests, moves). */
  public LocalInfrastructurePlugin(String name) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public InfrastructureTarget create(PluginContext context) {
    return create(context, true);
  }

  /**
   * The target, with per-job cgroups where the machine has them ({@code manageCgroups}), or
   * without: then a job's memory limit is a data size limit (RLIMIT_DATA) and no CPU quota or
   * process cap applies (as on a machine without manageable cgroups).
   */
  LocalTarget create(PluginContext context, boolean manageCgroups) {
    EnvReader env = new EnvReader(context.env());
    List<String> passEnv =
        Arrays.stream(env.string("LOCAL_TARGET_PASS_ENV", DEFAULT_PASS_ENV).split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .toList();
    LocalTarget.Settings settings =
        new LocalTarget.Settings(
            env.positiveLong("LOCAL_TARGET_LOG_MAX_MB", 10) << 20,
            (int) env.positiveLong("LOCAL_TARGET_LOG_BACKUPS", 3),
            context.env(),
            passEnv,
            sandbox(env, context),
            manageCgroups
                ? cgroups(
                    (int) env.positiveLong("LOCAL_TARGET_MAX_PROCESSES", 256),
                    JobCgroups.scope(name, context.dataDir()))
                : Optional.empty());
    return new LocalTarget(
        name,
        new LocalStore(context.dataDir(), context.secrets()),
        settings,
        new JobProbe(context.httpClient(), context.clock()),
        context.clock());
  }

  /** Per-job cgroups where the machine lets the platform manage them, logged at start-up. */
  private static Optional<JobCgroups> cgroups(int maxProcesses, String scope) {
    Optional<JobCgroups> cgroups = JobCgroups.detect(maxProcesses, scope);
    cgroups.ifPresentOrElse(
        c -> LOG.info("local target: job resources enforced with {}", c.describe()),
        () ->
            LOG.warn(
                "local target: no manageable cgroups under /sys/fs/cgroup (v2 with cpu, memory"
                    + " and pids, or writable v1 cpu and pids controllers): resources.cpu_max and"
                    + " the process cap (LOCAL_TARGET_MAX_PROCESSES) are NOT enforced;"
                    + " resources.memory_max only as a data size limit (RLIMIT_DATA)"));
    return cgroups;
  }

  /** The sandbox every job process runs in ({@code RACETRACK_SANDBOX}), logged at start-up. */
  private static Sandbox sandbox(EnvReader env, PluginContext context) {
    Sandbox sandbox =
        Sandbox.create(
            Sandbox.Mode.fromEnv(env),
            List.of(env.dataDir(), context.dataDir()),
            program -> Sandbox.onPath(context.env(), program));
    if (sandbox.confines()) {
      LOG.info("local target: jobs run in the sandbox: {}", sandbox.describe());
    } else {
      LOG.warn(
          "!!! {}=none: jobs run UNCONFINED and can read the platform's data directory and keys"
              + " (any deployer can become admin); use this only on a trusted single-user machine"
              + " !!!",
          Sandbox.VARIABLE);
    }
    return sandbox;
  }
}
