package dev.racetrack.spi;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Installs the built-in job types and targets ({@link BuiltIns}) as bundles of the plugins
 * directory: on a fresh directory every built-in gets a bundle (its manifest, version = the
 * platform's, and the marker naming the provider), and {@value #RECORD} remembers which ones were
 * installed so that one the admin uninstalled is not installed again on the next start. A built-in
 * that appears in a later platform version is installed then; a built-in's bundle still installed
 * from an older platform version is replaced by the current one.
 *
 * <p>A directory with the record manages the built-ins: the platform then runs only those whose
 * bundle is installed. Without it (a component with a plugins directory of its own) every built-in
 * runs, as before bundles.
 */
public final class BuiltInBundles {
  /** Names of the built-ins ever installed in the directory, one a line. */
  public static final String RECORD = "built-ins.txt";

  private static final DateTimeFormatter BUILD_DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final PluginStore store;
  private final BuiltIns builtIns;
  private final String platformVersion;
  private final Clock clock;

  public BuiltInBundles(PluginStore store, BuiltIns builtIns, String platformVersion, Clock clock) {
    this.store = store;
    this.builtIns = builtIns;
    this.platformVersion = platformVersion;
    this.clock = clock;
  }

  /** Whether the directory manages the built-ins (they run only from their bundles). */
  public static boolean managed(PluginStore store) {
    return Files.isRegularFile(store.dir().resolve(RECORD));
  }

  /**
   * Installs the bundles of built-ins not installed before and updates those of an older platform
   * version; returns the manifests installed.
   */
  public List<PluginManifest> install() {
    synchronized (store) {
      Set<String> recorded = readRecord();
      List<PluginManifest> installed = store.installed();
      List<PluginManifest> done = new ArrayList<>();
      for (BuiltIns.Bundle bundle : builtIns.bundles()) {
        Optional<PluginManifest> current =
            installed.stream().filter(m -> m.name().equals(bundle.name())).findFirst();
        if (!recorded.contains(bundle.name())) {
          if (current.isEmpty()) {
            done.add(installBundle(bundle, false));
          }
        } else if (current.filter(this::isBuiltInBundle).isPresent()
            && !current.get().version().equals(platformVersion)) {
          done.add(installBundle(bundle, true));
        }
      }
      Set<String> all = new LinkedHashSet<>(recorded);
      builtIns.bundles().forEach(b -> all.add(b.name()));
      if (!all.equals(recorded) || !managed(store)) {
        writeRecord(all);
      }
      return done;
    }
  }

  private boolean isBuiltInBundle(PluginManifest manifest) {
    return Files.isRegularFile(store.extractedDir(manifest).resolve(BuiltIns.FILE));
  }

  private PluginManifest installBundle(BuiltIns.Bundle bundle, boolean replace) {
    PluginManifest manifest =
        new PluginManifest(
            bundle.name(),
            platformVersion,
            Optional.of(bundle.category()),
            0,
            List.of(),
            Optional.empty(),
            Optional.of(BUILD_DATE.format(clock.instant())));
    Path zip;
    try {
      zip = Files.createTempFile("racetrack-built-in-", ".zip");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the bundle of built-in " + bundle.name(), e);
    }
    try {
      try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
        entry(out, PluginManifest.FILE, manifest.toYaml());
        entry(out, BuiltIns.FILE, bundle.marker());
        entry(
            out,
            "README.md",
            "# "
                + bundle.name()
                + "\n\nBuilt into the Racetrack platform: its code is on the platform's class path;"
                + " this bundle only enables it. See docs/plugins.md.\n");
      }
      return store.install(zip, replace, builtIns);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the bundle of built-in " + bundle.name(), e);
    } finally {
      try {
        Files.deleteIfExists(zip);
      } catch (IOException e) {
        // a temporary file left in the plugins directory; harmless
      }
    }
  }

  private static void entry(ZipOutputStream out, String name, String text) throws IOException {
    out.putNextEntry(new ZipEntry(name));
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.closeEntry();
  }

  private Set<String> readRecord() {
    Path record = store.dir().resolve(RECORD);
    try {
      Set<String> names = new LinkedHashSet<>();
      if (Files.isRegularFile(record)) {
        Files.readAllLines(record).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("#"))
            .forEach(names::add);
      }
      return names;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + record, e);
    }
  }

  private void writeRecord(Set<String> names) {
    Path record = store.dir().resolve(RECORD);
    Path tmp = store.dir().resolve(".built-ins-" + UUID.randomUUID());
    try {
      Files.createDirectories(store.dir());
      try (OutputStream out = Files.newOutputStream(tmp)) {
        out.write(
            ("# built-in plugins installed once; one uninstalled stays uninstalled\n"
                    + String.join("\n", names)
                    + "\n")
                .getBytes(StandardCharsets.UTF_8));
      }
      try {
        Files.move(
            tmp, record, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, record, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + record, e);
    }
  }
}
