package dev.racetrack.spi;

import dev.racetrack.model.error.PayloadTooLargeException;
import dev.racetrack.model.error.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A plugin ZIP checked before anything of it is installed: a readable archive within the size
 * limits, safe entry names, a valid {@code plugin-manifest.yaml}, and something to load (Java code
 * under {@code lib/} or a declarative job type, {@code job-type.yaml}).
 */
public final class PluginBundle {
  public static final String JOB_TYPE_FILE = "job-type.yaml";
  public static final String LIB_DIR = "lib/";

  /**
   * Size limits of an upload.
   *
   * @param maxZipBytes the ZIP file itself
   * @param maxUnpackedBytes all entries unpacked (a ZIP bomb stops here)
   * @param maxEntries number of entries
   */
  public record Limits(long maxZipBytes, long maxUnpackedBytes, int maxEntries) {
    public static Limits standard() {
      return new Limits(100L << 20, 400L << 20, 10_000);
    }
  }

  private final Path zip;
  private final PluginManifest manifest;
  private final List<String> entries;
  private final Limits limits;

  private PluginBundle(Path zip, PluginManifest manifest, List<String> entries, Limits limits) {
    this.zip = zip;
    this.manifest = manifest;
    this.entries = List.copyOf(entries);
    this.limits = limits;
  }

  public PluginManifest manifest() {
    return manifest;
  }

  public List<String> entries() {
    return entries;
  }

  /**
   * Reads and checks a plugin ZIP.
   *
   * @throws ValidationException naming what is wrong
   * @throws PayloadTooLargeException when a limit is exceeded
   */
  public static PluginBundle read(Path zip, Limits limits) {
    try {
      if (Files.size(zip) > limits.maxZipBytes()) {
        throw new PayloadTooLargeException(
            "the plugin bundle is larger than " + (limits.maxZipBytes() >> 20) + " MiB");
      }
      try (ZipFile file = new ZipFile(zip.toFile())) {
        List<String> names = names(file, limits);
        if (names.contains("plugin.py")) {
          throw new ValidationException(
              "this is a plugin in the original Racetrack's Python format (plugin.py), which this"
                  + " platform does not run. Supported: a ZIP with plugin-manifest.yaml and either"
                  + " Java code (lib/*.jar providing dev.racetrack.spi services) or a declarative"
                  + " job type (job-type.yaml and a Dockerfile template); see docs/plugins.md");
        }
        ZipEntry manifestEntry = file.getEntry(PluginManifest.FILE);
        if (manifestEntry == null || manifestEntry.isDirectory()) {
          throw new ValidationException(
              "the plugin bundle has no " + PluginManifest.FILE + " at its top level");
        }
        PluginManifest manifest;
        try (InputStream in = file.getInputStream(manifestEntry)) {
          manifest = PluginManifest.parse(in.readNBytes(64 << 10));
        }
        boolean java = names.stream().anyMatch(n -> n.startsWith(LIB_DIR) && n.endsWith(".jar"));
        if (!java && !names.contains(JOB_TYPE_FILE) && !names.contains(BuiltIns.FILE)) {
          throw new ValidationException(
              "plugin "
                  + manifest.id()
                  + " has nothing to load: add Java code (lib/*.jar) or a declarative job type ("
                  + JOB_TYPE_FILE
                  + ")");
        }
        return new PluginBundle(zip, manifest, names, limits);
      }
    } catch (ZipException e) {
      throw new ValidationException(
          "the plugin bundle is not a valid ZIP archive: " + e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read plugin bundle " + zip, e);
    }
  }

  private static List<String> names(ZipFile file, Limits limits) {
    if (file.size() > limits.maxEntries()) {
      throw new PayloadTooLargeException(
          "the plugin bundle has more than " + limits.maxEntries() + " entries");
    }
    List<String> names = new ArrayList<>();
    Enumeration<? extends ZipEntry> all = file.entries();
    while (all.hasMoreElements()) {
      ZipEntry entry = all.nextElement();
      String name = entry.getName();
      checkName(name);
      if (!entry.isDirectory()) {
        names.add(name);
      }
    }
    return names;
  }

  /** Refuses names that could escape the directory they are extracted to. */
  static void checkName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    boolean bad =
        name.isEmpty()
            || name.startsWith("/")
            || name.contains("\\")
            || name.indexOf('\0') >= 0
            || (name.length() > 1 && name.charAt(1) == ':')
            || lower.equals("..")
            || lower.startsWith("../")
            || lower.endsWith("/..")
            || lower.contains("/../");
    if (bad) {
      throw new ValidationException(
          "the plugin bundle has an unsafe entry name (absolute or with ..): '" + name + "'");
    }
  }

  /** Extracts every entry below {@code dir}, counting the bytes actually written. */
  public void extractTo(Path dir) {
    Path root = dir.toAbsolutePath().normalize();
    long written = 0;
    try (ZipFile file = new ZipFile(zip.toFile())) {
      Enumeration<? extends ZipEntry> all = file.entries();
      while (all.hasMoreElements()) {
        ZipEntry entry = all.nextElement();
        Path target = root.resolve(entry.getName()).normalize();
        if (!target.startsWith(root)) {
          throw new ValidationException("unsafe entry name: '" + entry.getName() + "'");
        }
        if (entry.isDirectory()) {
          Files.createDirectories(target);
          continue;
        }
        Files.createDirectories(target.getParent());
        try (InputStream in = file.getInputStream(entry);
            OutputStream out = Files.newOutputStream(target)) {
          written += copy(in, out, limits.maxUnpackedBytes() - written);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot extract plugin " + manifest.id(), e);
    }
  }

  private static long copy(InputStream in, OutputStream out, long budget) throws IOException {
    byte[] buffer = new byte[64 << 10];
    long total = 0;
    int n;
    while ((n = in.read(buffer)) > 0) {
      total += n;
      if (total > budget) {
        throw new PayloadTooLargeException("the plugin bundle unpacks to more than allowed");
      }
      out.write(buffer, 0, n);
    }
    return total;
  }
}
