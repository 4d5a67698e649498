package dev.racetrack.spi;

import dev.racetrack.model.error.RacetrackException;
import java.io.Closeable;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The job types and infrastructure targets a bundle's jars provide, as the platform calls them: the
 * plugin's class loader is the context loader while its code runs, and an error its code raises
 * outside its contract (an exception of its own, a missing class) comes back naming the plugin.
 * Errors of the contract pass unchanged: a manifest's {@link
 * dev.racetrack.model.error.ValidationException}, a {@link BuildException}, a {@link
 * JobStartException}, any other {@link RacetrackException}. A job type's manifest check is
 * time-limited like a hook; builds and deployments keep the limits of the steps that call them.
 */
final class PluginCode {
  /** How long a job type may take to check a manifest. */
  static final Duration VALIDATE_TIMEOUT = Duration.ofSeconds(10);

  private final String pluginId;
  private final ClassLoader loader;
  private final Duration validateTimeout;

  PluginCode(String pluginId, ClassLoader loader) {
    this(pluginId, loader, VALIDATE_TIMEOUT);
  }

  PluginCode(String pluginId, ClassLoader loader, Duration validateTimeout) {
    this.pluginId = pluginId;
    this.loader = loader;
    this.validateTimeout = validateTimeout;
  }

  <T> T call(String what, Supplier<T> code) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(loader);
    try {
      return code.get();
    } catch (RacetrackException e) {
      throw e;
    } catch (RuntimeException | LinkageError e) {
      // a linkage error's message is only a class name: say what it is
      String message =
          e.getMessage() == null || e instanceof LinkageError ? e.toString() : e.getMessage();
      throw new PluginException("plugin " + pluginId + " failed in " + what + ": " + message, e);
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  void run(String what, Runnable code) {
    call(
        what,
        () -> {
          code.run();
          return null;
        });
  }

  JobType jobType(JobType type) {
    return new NamedJobType(this, type, new PluginCalls(validateTimeout));
  }

  InfrastructurePlugin infrastructure(InfrastructurePlugin plugin) {
    return new NamedInfrastructurePlugin(this, plugin);
  }

  private record NamedJobType(PluginCode code, JobType type, PluginCalls validateCalls)
      implements JobType {
    @Override
    public String name() {
      return type.name();
    }

    @Override
    public String version() {
      return type.version();
    }

    @Override
    public String key() {
      return type.key();
    }

    @Override
    public void validate(dev.racetrack.model.manifest.Manifest manifest) {
      try {
        validateCalls.run(
            code.pluginId,
            Optional.of(code.loader),
            "checking a manifest for job type " + type.key(),
            () -> type.validate(manifest));
      } catch (PluginException e) {
        if (e.getCause() instanceof RacetrackException contract) {
          throw contract; // the manifest's fault, as the job type says it
        }
        throw e;
      }
    }

    @Override
    public LaunchSpec buildLocal(JobBuild build) {
      return code.call("building a job of job type " + type.key(), () -> type.buildLocal(build));
    }

    @Override
    public ImagePlan buildImage(JobBuild build) {
      return code.call("building an image of job type " + type.key(), () -> type.buildImage(build));
    }

    @Override
    public String toString() {
      return type.toString();
    }
  }

  private record NamedInfrastructurePlugin(PluginCode code, InfrastructurePlugin plugin)
      implements InfrastructurePlugin {
    @Override
    public String name() {
      return plugin.name();
    }

    @Override
    public InfrastructureTarget create(PluginContext context) {
      return new NamedTarget(
          code,
          code.call(
              "creating infrastructure target " + plugin.name(), () -> plugin.create(context)));
    }

    @Override
    public boolean keepsSecretsOutsideDataDir() {
      return plugin.keepsSecretsOutsideDataDir();
    }
  }

  private record NamedTarget(PluginCode code, InfrastructureTarget target)
      implements InfrastructureTarget {
    private String what(String operation) {
      return operation + " on infrastructure target " + target.name();
    }

    @Override
    public String name() {
      return target.name();
    }

    @Override
    public boolean runsImages() {
      return target.runsImages();
    }

    @Override
    public DeployedJob deploy(JobProvision provision, Consumer<String> phases) {
      return code.call(what("deploying a job"), () -> target.deploy(provision, phases));
    }

    @Override
    public void delete(String jobName, String jobVersion) {
      code.run(what("deleting a job"), () -> target.delete(jobName, jobVersion));
    }

    @Override
    public List<JobState> list() {
      return code.call(what("listing jobs"), target::list);
    }

    @Override
    public String recentLogs(String jobName, String jobVersion, int tail) {
      return code.call(
          what("reading a job's logs"), () -> target.recentLogs(jobName, jobVersion, tail));
    }

    @Override
    public Closeable followLogs(
        String jobName, String jobVersion, int tail, Consumer<String> onLine) {
      return code.call(
          what("following a job's logs"),
          () -> target.followLogs(jobName, jobVersion, tail, onLine));
    }

    @Override
    public void saveSecrets(String jobName, String jobVersion, JobSecrets secrets) {
      code.run(
          what("saving a job's secrets"), () -> target.saveSecrets(jobName, jobVersion, secrets));
    }

    @Override
    public Optional<JobSecrets> secrets(String jobName, String jobVersion) {
      return code.call(what("reading a job's secrets"), () -> target.secrets(jobName, jobVersion));
    }

    @Override
    public void close() {
      code.run(what("closing"), target::close);
    }
  }
}
