package dev.racetrack.testsupport;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds plugin ZIPs for tests: a manifest, files, and Java sources compiled (against the {@code
 * spi} and {@code model} classes of the running test) into {@code lib/plugin.jar} with their {@code
 * META-INF/services} entries.
 */
public final class PluginBundleFixture {
  private final Path workDir;
  private final Map<String, byte[]> files = new LinkedHashMap<>();
  private final Map<String, String> sources = new LinkedHashMap<>();
  private final Map<String, List<String>> services = new LinkedHashMap<>();

  private PluginBundleFixture(Path workDir) {
    this.workDir = workDir;
  }

  /**
   * A bundle with {@code plugin-manifest.yaml} of the given name and version plus {@code extra}.
   */
  public static PluginBundleFixture plugin(
      Path workDir, String name, String version, String extra) {
    return new PluginBundleFixture(workDir)
        .file("plugin-manifest.yaml", "name: " + name + "\nversion: " + version + "\n" + extra);
  }

  /** A bundle of every file of a plugin directory (a declarative plugin such as a sample). */
  public static PluginBundleFixture directory(Path workDir, Path pluginDir) {
    PluginBundleFixture fixture = new PluginBundleFixture(workDir);
    try (Stream<Path> all = Files.walk(pluginDir)) {
      for (Path file : all.filter(Files::isRegularFile).sorted().toList()) {
        fixture.files.put(
            pluginDir.relativize(file).toString().replace(java.io.File.separatorChar, '/'),
            Files.readAllBytes(file));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return fixture;
  }

  /** A bundle with exactly the given entries (names are written as given, unchecked). */
  public static Path rawZip(Path target, Map<String, String> entries) {
    PluginBundleFixture fixture = new PluginBundleFixture(target.getParent());
    entries.forEach(fixture::file);
    return fixture.writeZip(target, fixture.files);
  }

  public PluginBundleFixture file(String name, String content) {
    files.put(name, content.getBytes(StandardCharsets.UTF_8));
    return this;
  }

  /** A Java class compiled into the plugin's jar. */
  public PluginBundleFixture javaClass(String className, String source) {
    sources.put(className, source);
    return this;
  }

  /** Registers {@code implementation} as a provider of {@code service} (ServiceLoader). */
  public PluginBundleFixture service(String service, String implementation) {
    services.computeIfAbsent(service, s -> new ArrayList<>()).add(implementation);
    return this;
  }

  /** Writes the ZIP as {@code fileName} in the work directory. */
  public Path zip(String fileName) {
    Map<String, byte[]> entries = new LinkedHashMap<>(files);
    if (!sources.isEmpty()) {
      entries.put("lib/plugin.jar", compileJar());
    }
    return writeZip(workDir.resolve(fileName), entries);
  }

  private Path writeZip(Path target, Map<String, byte[]> entries) {
    try {
      Files.createDirectories(target.getParent());
      try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(target))) {
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
          zip.putNextEntry(new ZipEntry(e.getKey()));
          zip.write(e.getValue());
          zip.closeEntry();
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private byte[] compileJar() {
    try {
      Path build = Files.createTempDirectory(workDir, "plugin-build");
      Path src = build.resolve("src");
      Path classes = build.resolve("classes");
      List<String> args =
          new ArrayList<>(
              List.of(
                  "-d",
                  classes.toString(),
                  "-classpath",
                  classPath(),
                  "--release",
                  "21",
                  "-proc:none"));
      for (Map.Entry<String, String> e : sources.entrySet()) {
        Path file = src.resolve(e.getKey().replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, e.getValue());
        args.add(file.toString());
      }
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      if (javac.run(null, null, System.err, args.toArray(String[]::new)) != 0) {
        throw new IllegalStateException("the plugin sources do not compile (see above)");
      }
      for (Map.Entry<String, List<String>> e : services.entrySet()) {
        Path file = classes.resolve("META-INF/services/" + e.getKey());
        Files.createDirectories(file.getParent());
        Files.writeString(file, String.join("\n", e.getValue()) + "\n");
      }
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (ZipOutputStream jar = new ZipOutputStream(bytes);
          Stream<Path> all = Files.walk(classes)) {
        for (Path f : all.filter(Files::isRegularFile).toList()) {
          jar.putNextEntry(new ZipEntry(classes.relativize(f).toString()));
          Files.copy(f, (OutputStream) jar);
          jar.closeEntry();
        }
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the running test found the spi and model classes. */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    for (String anchor : List.of("dev.racetrack.spi.PluginHook", "dev.racetrack.model.Json")) {
      try {
        Class<?> type = Class.forName(anchor);
        entries.add(
            Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (ClassNotFoundException | URISyntaxException e) {
        throw new IllegalStateException(
            "plugin sources need " + anchor + " on the test class path", e);
      }
    }
    return String.join(java.io.File.pathSeparator, entries);
  }
}
