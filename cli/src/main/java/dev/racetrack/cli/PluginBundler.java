package dev.racetrack.cli;

import dev.racetrack.spi.PluginManifest;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Makes a plugin ZIP from a directory: {@code plugin-manifest.yaml} (with {@code build_date}, and
 * the version overridden if asked), every other file except those matched by {@code
 * .racetrackignore} (gitignore syntax), {@code target/} and {@code .git}, and, when the directory
 * has Java sources in {@code src/main/java}, those compiled against the platform's {@code spi} into
 * {@code lib/NAME.jar} with {@code src/main/resources} (its {@code META-INF/services}).
 */
final class PluginBundler {
  private static final DateTimeFormatter BUILD_DATE =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HHmmss'Z'");

  private final Path dir;
  private final Optional<String> versionOverride;

  PluginBundler(Path dir, Optional<String> versionOverride) {
    this.dir = dir.toAbsolutePath().normalize();
    this.versionOverride = versionOverride;
  }

  /** Writes {@code NAME-VERSION.zip} into {@code outDir} and returns it. */
  Path bundle(Path outDir) {
    Path manifestFile = dir.resolve(PluginManifest.FILE);
    if (!Files.isRegularFile(manifestFile)) {
      throw new CliException("no " + PluginManifest.FILE + " in " + dir);
    }
    if (Files.exists(dir.resolve("plugin.py"))) {
      throw new CliException(
          dir
              + " is a plugin in the original Racetrack's Python format (plugin.py), which this"
              + " platform does not run: write it in Java (src/main/java) or as a declarative job"
              + " type (job-type.yaml); see docs/plugins.md");
    }
    try {
      PluginManifest manifest = PluginManifest.parse(Files.readAllBytes(manifestFile));
      if (versionOverride.isPresent()) {
        manifest =
            new PluginManifest(
                manifest.name(),
                versionOverride.get(),
                manifest.category(),
                manifest.priority(),
                manifest.components(),
                manifest.url(),
                Optional.empty());
      }
      manifest = manifest.withBuildDate(BUILD_DATE.format(ZonedDateTime.now(ZoneOffset.UTC)));
      Path zip = outDir.toAbsolutePath().normalize().resolve(manifest.id() + ".zip");
      Files.createDirectories(zip.getParent());
      Path tmp = Files.createTempFile(zip.getParent(), ".bundle-", ".zip");
      try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(tmp))) {
        put(out, PluginManifest.FILE, manifest.toYaml().getBytes(StandardCharsets.UTF_8));
        boolean java = Files.isDirectory(dir.resolve("src/main/java"));
        if (java) {
          put(out, "lib/" + manifest.name() + ".jar", compile());
        }
        addFiles(out, zip, java);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(tmp);
        throw e;
      }
      Files.move(tmp, zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return zip;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bundle " + dir, e);
    }
  }

  private void addFiles(ZipOutputStream out, Path zip, boolean skipSources) throws IOException {
    Path ignoreFile = dir.resolve(".racetrackignore");
    Gitignore ignore =
        Gitignore.of(
            "", Files.isRegularFile(ignoreFile) ? Files.readAllLines(ignoreFile) : List.of());
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path file : all.filter(Files::isRegularFile).sorted().toList()) {
        Path relative = dir.relativize(file);
        String name = relative.toString().replace(File.separatorChar, '/');
        boolean skip =
            file.equals(zip)
                || name.equals(PluginManifest.FILE)
                || name.equals(".racetrackignore")
                || name.startsWith("target/")
                || name.startsWith(".git/")
                || (skipSources && (name.startsWith("src/") || name.equals("pom.xml")))
                || name.endsWith(".zip") && !name.contains("/")
                || ignored(ignore, relative);
        if (!skip) {
          put(out, name, Files.readAllBytes(file));
        }
      }
    }
  }

  private static boolean ignored(Gitignore ignore, Path relative) {
    for (int i = 1; i <= relative.getNameCount(); i++) {
      if (ignore.ignored(relative.subpath(0, i), i < relative.getNameCount())) {
        return true;
      }
    }
    return false;
  }

  private static void put(ZipOutputStream out, String name, byte[] content) throws IOException {
    out.putNextEntry(new ZipEntry(name));
    out.write(content);
    out.closeEntry();
  }

  /** Compiles {@code src/main/java} (and copies {@code src/main/resources}) into a jar. */
  private byte[] compile() throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    if (javac == null) {
      throw new CliException("bundling Java sources needs a JDK (this is a JRE)");
    }
    Path classes = Files.createTempDirectory("racetrack-plugin-classes");
    try {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "-d",
                  classes.toString(),
                  "-classpath",
                  platformClassPath(),
                  "--release",
                  "21",
                  "-proc:none"));
      try (Stream<Path> sources = Files.walk(dir.resolve("src/main/java"))) {
        sources
            .filter(f -> f.toString().endsWith(".java"))
            .sorted()
            .forEach(f -> args.add(f.toString()));
      }
      ByteArrayOutputStream errors = new ByteArrayOutputStream();
      int status =
          javac.run(null, OutputStream.nullOutputStream(), errors, args.toArray(String[]::new));
      if (status != 0) {
        throw new CliException(
            "the plugin's Java sources do not compile:\n"
                + errors.toString(StandardCharsets.UTF_8));
      }
      Path resources = dir.resolve("src/main/resources");
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ZipOutputStream jar = new ZipOutputStream(bytes)) {
        for (Path root : List.of(classes, resources)) {
          if (!Files.isDirectory(root)) {
            continue;
          }
          try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
              put(
                  jar,
                  root.relativize(f).toString().replace(File.separatorChar, '/'),
                  Files.readAllBytes(f));
            }
          }
        }
      }
      return bytes.toByteArray();
    } finally {
      try (Stream<Path> files = Files.walk(classes)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  /** The spi and model classes this CLI runs with: what plugins compile against. */
  private static String platformClassPath() {
    List<String> entries = new ArrayList<>();
    for (Class<?> type : List.of(PluginManifest.class, dev.racetrack.model.Json.class)) {
      try {
        entries.add(
            Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
      } catch (URISyntaxException e) {
        throw new IllegalStateException(e);
      }
    }
    return String.join(File.pathSeparator, entries);
  }
}
