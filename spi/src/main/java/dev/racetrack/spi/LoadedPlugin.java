package dev.racetrack.spi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Stream;

/**
 * A plugin bundle loaded from its extracted directory: the job types, infrastructure plugins and
 * hooks it provides, or the error that kept it from loading (a malformed plugin is listed with its
 * error and provides nothing).
 */
public final class LoadedPlugin implements AutoCloseable {
  private static final PluginCalls INIT = new PluginCalls(java.time.Duration.ofSeconds(10));
  private final PluginManifest manifest;
  private final Path dir;
  private final List<JobType> jobTypes;
  private final List<InfrastructurePlugin> infrastructures;
  private final List<PluginHook> hooks;
  private final Optional<String> error;
  private final Optional<ClassLoader> loader;
  private final boolean builtIn;

  private LoadedPlugin(
      PluginManifest manifest,
      Path dir,
      List<JobType> jobTypes,
      List<InfrastructurePlugin> infrastructures,
      List<PluginHook> hooks,
      Optional<String> error,
      Optional<ClassLoader> loader) {
    this(manifest, dir, jobTypes, infrastructures, hooks, error, loader, false);
  }

  private LoadedPlugin(
      PluginManifest manifest,
      Path dir,
      List<JobType> jobTypes,
      List<InfrastructurePlugin> infrastructures,
      List<PluginHook> hooks,
      Optional<String> error,
      Optional<ClassLoader> loader,
      boolean builtIn) {
    this.builtIn = builtIn;
    this.manifest = Objects.requireNonNull(manifest, "manifest");
    this.dir = Objects.requireNonNull(dir, "dir");
    this.jobTypes = List.copyOf(jobTypes);
    this.infrastructures = List.copyOf(infrastructures);
    this.hooks = List.copyOf(hooks);
    this.error = error;
    this.loader = loader;
  }

  /**
   * Loads an extracted bundle. Never throws for a fault of the plugin: the result carries the error
   * instead.
   *
   * @param configFile the plugin's configuration file (may not exist)
   * @param platform the loader the shared packages come from
   */
  public static LoadedPlugin load(
      PluginManifest manifest, Path dir, Path configFile, ClassLoader platform) {
    return load(manifest, dir, configFile, platform, BuiltIns.none());
  }

  /**
   * Loads an extracted bundle, resolving the marker of a built-in's bundle ({@value BuiltIns#FILE})
   * against {@code builtIns}. Never throws for a fault of the plugin.
   */
  public static LoadedPlugin load(
      PluginManifest manifest, Path dir, Path configFile, ClassLoader platform, BuiltIns builtIns) {
    List<JobType> jobTypes = new ArrayList<>();
    Optional<ClassLoader> loader = Optional.empty();
    try {
      if (Files.isRegularFile(dir.resolve(BuiltIns.FILE))) {
        BuiltIns.Provided provided = builtIns.resolve(manifest, dir);
        return new LoadedPlugin(
            manifest,
            dir,
            provided.jobTypes(),
            provided.infrastructures(),
            List.of(),
            Optional.empty(),
            loader,
            true);
      }
      if (Files.isRegularFile(dir.resolve(PluginBundle.JOB_TYPE_FILE))) {
        jobTypes.add(TemplateJobType.load(manifest, dir));
      }
      URL[] jars = jars(dir.resolve(PluginBundle.LIB_DIR));
      if (jars.length == 0) {
        return new LoadedPlugin(
            manifest, dir, jobTypes, List.of(), List.of(), Optional.empty(), loader);
      }
      PluginClassLoader classes = new PluginClassLoader(manifest.id(), jars, platform);
      loader = Optional.of(classes);
      // constructors and static initializers are the plugin's code: time-limited like its hooks
      Services services =
          INIT.call(
              manifest.id(),
              loader,
              "creating its services (constructors and static initializers)",
              () ->
                  new Services(
                      instances(JobType.class, classes),
                      instances(InfrastructurePlugin.class, classes),
                      instances(PluginHook.class, classes)));
      // called through PluginCode: the plugin's loader as context loader, errors naming it
      PluginCode code = new PluginCode(manifest.id(), classes);
      services.jobTypes().stream().map(code::jobType).forEach(jobTypes::add);
      List<InfrastructurePlugin> infrastructures =
          services.infrastructures().stream().map(code::infrastructure).toList();
      List<PluginHook> hooks = services.hooks();
      PluginSetup setup = new PluginSetup(manifest, dir, configFile);
      for (PluginHook hook : hooks) {
        INIT.run(manifest.id(), loader, "init", () -> hook.init(setup));
      }
      if (jobTypes.isEmpty() && infrastructures.isEmpty() && hooks.isEmpty()) {
        throw new PluginException(
            "its jars provide no dev.racetrack.spi service (JobType, InfrastructurePlugin or"
                + " PluginHook in META-INF/services)");
      }
      return new LoadedPlugin(
          manifest, dir, jobTypes, infrastructures, hooks, Optional.empty(), loader);
    } catch (RuntimeException | ServiceConfigurationError | LinkageError e) {
      loader.ifPresent(LoadedPlugin::closeQuietly);
      String message = e.getMessage() == null ? e.toString() : e.getMessage();
      return new LoadedPlugin(
          manifest,
          dir,
          List.of(),
          List.of(),
          List.of(),
          Optional.of("plugin " + manifest.id() + " cannot be loaded: " + message),
          Optional.empty());
    }
  }

  private record Services(
      List<JobType> jobTypes, List<InfrastructurePlugin> infrastructures, List<PluginHook> hooks) {}

  private static <T> List<T> instances(Class<T> service, ClassLoader classes) {
    List<T> found = new ArrayList<>();
    ServiceLoader.load(service, classes).forEach(found::add);
    return List.copyOf(found);
  }

  private static URL[] jars(Path lib) {
    if (!Files.isDirectory(lib)) {
      return new URL[0];
    }
    try (Stream<Path> files = Files.list(lib)) {
      List<Path> jars =
          files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().toList();
      URL[] urls = new URL[jars.size()];
      for (int i = 0; i < urls.length; i++) {
        urls[i] = jars.get(i).toUri().toURL();
      }
      return urls;
    } catch (MalformedURLException e) {
      throw new IllegalStateException(e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + lib, e);
    }
  }

  public PluginManifest manifest() {
    return manifest;
  }

  public Path dir() {
    return dir;
  }

  public List<JobType> jobTypes() {
    return jobTypes;
  }

  public List<InfrastructurePlugin> infrastructures() {
    return infrastructures;
  }

  public List<PluginHook> hooks() {
    return hooks;
  }

  /** Whether this is the bundle of a provider built into the platform ({@value BuiltIns#FILE}). */
  public boolean builtIn() {
    return builtIn;
  }

  /** Why the plugin could not be loaded, if it could not. */
  public Optional<String> error() {
    return error;
  }

  /** The plugin's class loader (Java plugins only): hooks run with it as context loader. */
  public Optional<ClassLoader> classLoader() {
    return loader;
  }

  @Override
  public void close() {
    loader.ifPresent(LoadedPlugin::closeQuietly);
  }

  private static void closeQuietly(ClassLoader loader) {
    if (loader instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // its jars may already be gone; nothing else to release
      }
    }
  }
}
