package dev.racetrack.spi;

import dev.racetrack.model.error.AlreadyExistsException;
import dev.racetrack.model.error.NotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * The plugins directory shared by every component ({@code PLUGINS_DIR}; on Kubernetes the {@code
 * racetrack-plugins-pvc} volume), laid out as in §8.3:
 *
 * <ul>
 *   <li>{@code <name>-<version>.zip}: the installed bundles;
 *   <li>{@code extracted/<name>-<version>/}: each bundle unpacked;
 *   <li>{@code config/<name>-<version>/config.yaml}: each plugin's configuration;
 *   <li>{@code last-change.txt}: changed on every install, uninstall or configuration change;
 *       components poll it and reload.
 * </ul>
 *
 * An install is validated (bundle checks, then a trial load) in a temporary directory and moved
 * into place only when it passed, so a failed upload leaves nothing behind.
 */
public final class PluginStore {
  private static final String EXTRACTED = "extracted";
  private static final String CONFIG = "config";
  private static final String LAST_CHANGE = "last-change.txt";
  private static final String TMP = ".tmp";

  private final Path dir;
  private final PluginBundle.Limits limits;
  private final Clock clock;

  public PluginStore(Path dir, PluginBundle.Limits limits, Clock clock) {
    this.dir = dir.toAbsolutePath().normalize();
    this.limits = limits;
    this.clock = clock;
  }

  /** The plugins directory from {@code PLUGINS_DIR}, by default {@code DATA_DIR/plugins}. */
  public static Path directory(Map<String, String> env, Path dataDir) {
    return Optional.ofNullable(env.get("PLUGINS_DIR"))
        .filter(v -> !v.isBlank())
        .map(Path::of)
        .orElse(dataDir.resolve("plugins"));
  }

  public Path dir() {
    return dir;
  }

  /**
   * Installs a bundle.
   *
   * @param upload the uploaded ZIP (left in place; the caller deletes it)
   * @param replace remove every installed version of the same name first; otherwise only the same
   *     version is replaced
   * @return the installed plugin's manifest
   * @throws dev.racetrack.model.error.ValidationException when the bundle is not valid
   * @throws AlreadyExistsException when an infrastructure plugin of that name exists and {@code
   *     replace} is false
   */
  public PluginManifest install(Path upload, boolean replace) {
    return install(upload, replace, BuiltIns.none());
  }

  /**
   * Installs a bundle, trying it against {@code builtIns} (a built-in's bundle names one of them).
   *
   * @see #install(Path, boolean)
   */
  public synchronized PluginManifest install(Path upload, boolean replace, BuiltIns builtIns) {
    PluginBundle bundle = PluginBundle.read(upload, limits);
    PluginManifest manifest = bundle.manifest();
    List<PluginManifest> sameName =
        installed().stream().filter(m -> m.name().equals(manifest.name())).toList();
    if (!replace
        && manifest.category().filter("infrastructure"::equals).isPresent()
        && sameName.stream().anyMatch(m -> !m.version().equals(manifest.version()))) {
      throw new AlreadyExistsException(
          "There can not be multiple infrastructure plugins with the same name ("
              + manifest.name()
              + "). Use --replace to replace the installed version");
    }
    Path staging = dir.resolve(TMP).resolve(UUID.randomUUID().toString());
    try {
      Path extracted = staging.resolve("extracted");
      Files.createDirectories(extracted);
      bundle.extractTo(extracted);
      try (LoadedPlugin trial =
          LoadedPlugin.load(
              manifest,
              extracted,
              configFile(manifest),
              PluginStore.class.getClassLoader(),
              builtIns)) {
        if (trial.error().isPresent()) {
          throw new dev.racetrack.model.error.ValidationException(trial.error().get());
        }
      }
      Path zip = staging.resolve("bundle.zip");
      Files.copy(upload, zip);
      for (PluginManifest old : replace ? sameName : List.<PluginManifest>of()) {
        remove(old.id());
      }
      remove(manifest.id());
      Files.createDirectories(dir.resolve(EXTRACTED));
      move(extracted, dir.resolve(EXTRACTED).resolve(manifest.id()));
      move(zip, zipFile(manifest.name(), manifest.version()));
      Files.createDirectories(configFile(manifest).getParent());
      touch();
      return manifest;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot install plugin " + manifest.id(), e);
    } finally {
      deleteTree(staging);
    }
  }

  /** Manifests of the installed plugins, sorted by priority, name and version. */
  public List<PluginManifest> installed() {
    Path extracted = dir.resolve(EXTRACTED);
    if (!Files.isDirectory(extracted)) {
      return List.of();
    }
    List<PluginManifest> list = new ArrayList<>();
    try (Stream<Path> dirs = Files.list(extracted)) {
      for (Path plugin : dirs.sorted().toList()) {
        Path manifestFile = plugin.resolve(PluginManifest.FILE);
        try {
          PluginManifest manifest = PluginManifest.parse(Files.readAllBytes(manifestFile));
          // a bundle counts once its ZIP is in place (the last step of an install)
          if (Files.isRegularFile(zipFile(manifest.name(), manifest.version()))) {
            list.add(manifest);
          }
        } catch (NoSuchFileException e) {
          // being removed by another component
        } catch (RuntimeException e) {
          // not a valid plugin directory: ignored here, removable with uninstallAll
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + extracted, e);
    }
    list.sort(
        Comparator.comparingInt(PluginManifest::priority)
            .thenComparing(PluginManifest::name)
            .thenComparing(PluginManifest::version));
    return List.copyOf(list);
  }

  /** The manifest of one installed plugin. */
  public PluginManifest get(String name, String version) {
    return installed().stream()
        .filter(m -> m.name().equals(name) && m.version().equals(version))
        .findFirst()
        .orElseThrow(
            () -> new NotFoundException("plugin " + name + " " + version + " is not installed"));
  }

  /** Removes a plugin (its ZIP and extracted files; its configuration is kept). */
  public synchronized PluginManifest uninstall(String name, String version) {
    Path zip = zipFile(name, version);
    Path extracted = dir.resolve(EXTRACTED).resolve(name + "-" + version);
    if (!Files.exists(zip) && !Files.exists(extracted)) {
      throw new NotFoundException("plugin " + name + " " + version + " is not installed");
    }
    PluginManifest manifest;
    try {
      manifest = PluginManifest.parse(Files.readAllBytes(extracted.resolve(PluginManifest.FILE)));
    } catch (IOException | RuntimeException e) {
      manifest =
          new PluginManifest(
              name, version, Optional.empty(), 0, List.of(), Optional.empty(), Optional.empty());
    }
    remove(name + "-" + version);
    touch();
    return manifest;
  }

  /** Removes every plugin (clean-up of a broken state); returns the removed manifests. */
  public synchronized List<PluginManifest> uninstallAll() {
    List<PluginManifest> all = installed();
    deleteTree(dir.resolve(EXTRACTED));
    try (Stream<Path> files = Files.list(dir)) {
      for (Path zip : files.filter(f -> f.toString().endsWith(".zip")).toList()) {
        Files.deleteIfExists(zip);
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot clean " + dir, e);
    }
    touch();
    return all;
  }

  /** The stored ZIP of a plugin. */
  public Path bundle(String name, String version) {
    Path zip = zipFile(name, version);
    if (!Files.isRegularFile(zip)) {
      throw new NotFoundException("plugin " + name + " " + version + " is not installed");
    }
    return zip;
  }

  /** The configuration text of an installed plugin (empty when none). */
  public String config(String name, String version) {
    PluginManifest manifest = get(name, version);
    Path file = configFile(manifest);
    try {
      return Files.isRegularFile(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Replaces a plugin's configuration (validate it with the plugin first). */
  public synchronized void writeConfig(String name, String version, String yaml) {
    Path file = configFile(get(name, version));
    try {
      Files.createDirectories(file.getParent());
      Path tmp = file.resolveSibling(".config-" + UUID.randomUUID() + ".yaml");
      Files.writeString(tmp, yaml);
      move(tmp, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
    touch();
  }

  /** The configuration file of a plugin. */
  public Path configFile(PluginManifest manifest) {
    return dir.resolve(CONFIG).resolve(manifest.id()).resolve("config.yaml");
  }

  /** The extracted directory of a plugin. */
  public Path extractedDir(PluginManifest manifest) {
    return dir.resolve(EXTRACTED).resolve(manifest.id());
  }

  /** The content of {@code last-change.txt} (empty when nothing was ever installed). */
  public String lastChange() {
    try {
      return Files.readString(dir.resolve(LAST_CHANGE)).strip();
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + dir.resolve(LAST_CHANGE), e);
    }
  }

  /** Loads every installed plugin meant for one of {@code components}. */
  public List<LoadedPlugin> load(java.util.Set<String> components, ClassLoader platform) {
    return load(components, platform, BuiltIns.none());
  }

  /** Loads every installed plugin meant for one of {@code components}, built-ins' bundles too. */
  public List<LoadedPlugin> load(
      java.util.Set<String> components, ClassLoader platform, BuiltIns builtIns) {
    List<LoadedPlugin> loaded = new ArrayList<>();
    for (PluginManifest manifest : installed()) {
      if (components.stream().anyMatch(manifest::runsIn)) {
        loaded.add(
            LoadedPlugin.load(
                manifest, extractedDir(manifest), configFile(manifest), platform, builtIns));
      }
    }
    return List.copyOf(loaded);
  }

  private Path zipFile(String name, String version) {
    return dir.resolve(name + "-" + version + ".zip");
  }

  private void remove(String id) {
    try {
      Files.deleteIfExists(dir.resolve(id + ".zip"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove plugin " + id, e);
    }
    Path extracted = dir.resolve(EXTRACTED).resolve(id);
    if (Files.exists(extracted)) {
      Path trash = dir.resolve(TMP).resolve("removed-" + UUID.randomUUID());
      try {
        Files.createDirectories(trash.getParent());
        move(extracted, trash);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove plugin " + id, e);
      }
      deleteTree(trash);
    }
  }

  /** Writes a new value (a timestamp and a random part) to {@code last-change.txt}. */
  private void touch() {
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(".last-change-" + UUID.randomUUID());
      Files.writeString(tmp, clock.instant().getEpochSecond() + " " + UUID.randomUUID() + "\n");
      move(tmp, dir.resolve(LAST_CHANGE));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(LAST_CHANGE), e);
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + root, e);
    }
  }
}
