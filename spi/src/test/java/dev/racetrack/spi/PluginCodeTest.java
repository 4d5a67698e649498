package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.testsupport.PluginBundleFixture;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Job types and targets from a bundle's jar as the platform calls them: errors of their own name
 * the plugin, the contract's errors pass unchanged, a manifest check that hangs is given up, and
 * the plugin's class loader is the context loader while its code runs.
 */
class PluginCodeTest {
  private static final ClassLoader LOADER = new ClassLoader(null) {};
  private final PluginCode code = new PluginCode("acme-1.0.0", LOADER, Duration.ofMillis(300));

  @TempDir Path tmp;

  /** A job type whose every method does what the test says. */
  private record Scripted(Runnable validate, Runnable build) implements JobType {
    @Override
    public String name() {
      return "acme";
    }

    @Override
    public String version() {
      return "1.0.0";
    }

    @Override
    public void validate(Manifest manifest) {
      validate.run();
    }

    @Override
    public LaunchSpec buildLocal(JobBuild build) {
      this.build.run();
      return new LaunchSpec(List.of("true"), ".", java.util.Map.of());
    }
  }

  @Test
  void ownErrors_nameThePlugin_contractErrorsPassUnchanged() {
    JobType failing =
        code.jobType(
            new Scripted(
                () -> {
                  throw new ValidationException("jobtype_extra.entrypoint is required");
                },
                () -> {
                  throw new NullPointerException("a bug in the job type");
                }));

    assertThatThrownBy(() -> failing.validate(null))
        .isExactlyInstanceOf(ValidationException.class)
        .hasMessage("jobtype_extra.entrypoint is required");
    assertThatThrownBy(() -> failing.buildLocal(null))
        .isInstanceOf(PluginException.class)
        .hasMessage(
            "plugin acme-1.0.0 failed in building a job of job type acme:1.0.0: a bug in the job"
                + " type");
    JobType broken =
        code.jobType(
            new Scripted(
                () -> {},
                () -> {
                  throw new BuildException("pip install failed");
                }));
    assertThatThrownBy(() -> broken.buildLocal(null))
        .isExactlyInstanceOf(BuildException.class)
        .hasMessage("pip install failed");
  }

  @Test
  void manifestCheckThatHangs_isGivenUpNamingThePlugin() {
    JobType hanging =
        code.jobType(
            new Scripted(
                () -> {
                  try {
                    Thread.sleep(60_000);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                () -> {}));
    long start = System.nanoTime();

    assertThatThrownBy(() -> hanging.validate(null))
        .isInstanceOf(PluginException.class)
        .hasMessageContaining(
            "plugin acme-1.0.0: checking a manifest for job type acme:1.0.0 did not finish within"
                + " 300 ms");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void target_runsWithThePluginsLoader_andNamesItInErrors() {
    AtomicReference<ClassLoader> seen = new AtomicReference<>();
    InfrastructurePlugin plugin =
        code.infrastructure(
            new InfrastructurePlugin() {
              @Override
              public String name() {
                return "acme-cloud";
              }

              @Override
              public InfrastructureTarget create(PluginContext context) {
                seen.set(Thread.currentThread().getContextClassLoader());
                return new FailingTarget();
              }
            });

    InfrastructureTarget target = plugin.create(null);

    assertThat(seen.get()).isSameAs(LOADER);
    assertThat(Thread.currentThread().getContextClassLoader()).isNotSameAs(LOADER);
    assertThatThrownBy(target::list)
        .isInstanceOf(PluginException.class)
        .hasMessage(
            "plugin acme-1.0.0 failed in listing jobs on infrastructure target acme-cloud:"
                + " java.lang.NoClassDefFoundError: com/acme/Sdk");
    assertThatThrownBy(() -> target.deploy(null, s -> {}))
        .isExactlyInstanceOf(JobStartException.class)
        .hasMessage("job adder did not become ready");
  }

  /** A job type in a bundle's jar is loaded through PluginCode: its own errors name the plugin. */
  @Test
  void jobTypeFromABundlesJar_namesThePluginInItsErrors() {
    PluginStore store =
        new PluginStore(tmp.resolve("plugins"), PluginBundle.Limits.standard(), Clock.systemUTC());
    store.install(
        PluginBundleFixture.plugin(tmp, "buggy", "1.0.0", "category: job-type\n")
            .javaClass(
                "test.buggy.Buggy",
                """
                package test.buggy;
                import dev.racetrack.spi.*;
                import dev.racetrack.model.manifest.Manifest;
                public class Buggy implements JobType {
                  @Override public String name() { return "buggy"; }
                  @Override public String version() { return "1.0.0"; }
                  @Override public void validate(Manifest manifest) {}
                  @Override public LaunchSpec buildLocal(JobBuild build) {
                    throw new IllegalStateException("not written yet");
                  }
                }
                """)
            .service("dev.racetrack.spi.JobType", "test.buggy.Buggy")
            .zip("buggy.zip"),
        false);
    try (Plugins plugins = new Plugins(List.of(), List.of())) {
      plugins.replace(store.load(Set.of("image-builder"), getClass().getClassLoader()));

      assertThatThrownBy(() -> plugins.jobType("buggy:1.0.0").buildLocal(null))
          .isInstanceOf(PluginException.class)
          .hasMessage(
              "plugin buggy-1.0.0 failed in building a job of job type buggy:1.0.0: not written"
                  + " yet");
    }
  }

  private static final class FailingTarget implements InfrastructureTarget {
    @Override
    public String name() {
      return "acme-cloud";
    }

    @Override
    public DeployedJob deploy(JobProvision provision, Consumer<String> phases) {
      throw new JobStartException("job adder did not become ready");
    }

    @Override
    public void delete(String jobName, String jobVersion) {}

    @Override
    public List<JobState> list() {
      throw new NoClassDefFoundError("com/acme/Sdk");
    }

    @Override
    public String recentLogs(String jobName, String jobVersion, int tail) {
      return "";
    }

    @Override
    public Closeable followLogs(
        String jobName, String jobVersion, int tail, Consumer<String> onLine) {
      return () -> {};
    }

    @Override
    public void saveSecrets(String jobName, String jobVersion, JobSecrets secrets) {}

    @Override
    public Optional<JobSecrets> secrets(String jobName, String jobVersion) {
      return Optional.empty();
    }

    @Override
    public void close() {}
  }
}
