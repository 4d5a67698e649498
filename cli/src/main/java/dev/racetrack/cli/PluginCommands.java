package dev.racetrack.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code racetrack plugin install|uninstall|list|download|bundle}: manage the plugins of a platform
 * (installing and removing: admins only) and bundle a plugin directory into a ZIP.
 */
final class PluginCommands {
  private static final String PATH = "/api/v1/plugin";

  private PluginCommands() {}

  @Command(
      name = "plugin",
      description =
          "Install, list, remove and bundle plugins (installing and removing: admins only).",
      subcommands = {
        Install.class,
        Uninstall.class,
        ListPlugins.class,
        Download.class,
        Bundle.class
      })
  static final class Plugin {
    @ParentCommand RacetrackCli root;

    CliContext context() {
      return root.context();
    }
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Command(name = "install", description = "Install a plugin ZIP from a file or an http(s) URL.")
  static final class Install implements Callable<Integer> {
    @ParentCommand Plugin parent;

    @Mixin RemoteOption remote;

    @Parameters(paramLabel = "FILE|URL", description = "The plugin .zip (a path or a URL).")
    String source;

    @Option(
        names = "--replace",
        description = "Remove every installed version of the plugin first.")
    boolean replace;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      byte[] zip;
      String filename;
      if (source.startsWith("http://") || source.startsWith("https://")) {
        zip = fetch(context, source);
        String path = URI.create(source).getPath();
        filename = path.substring(path.lastIndexOf('/') + 1);
      } else {
        Path file = Path.of(source);
        if (!Files.isRegularFile(file)) {
          throw new CliException("no such plugin file: " + file);
        }
        try {
          zip = Files.readAllBytes(file);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read " + file, e);
        }
        filename = file.getFileName().toString();
      }
      if (!filename.toLowerCase(java.util.Locale.ROOT).endsWith(".zip")) {
        filename = filename + ".zip";
      }
      JsonNode manifest =
          remote
              .api(context)
              .postBytes(
                  PATH + "/upload/" + enc(filename) + "?replace=" + (replace ? 1 : 0),
                  zip,
                  "application/zip",
                  JsonNode.class);
      context
          .out()
          .println(
              "plugin "
                  + manifest.path("name").asText()
                  + " "
                  + manifest.path("version").asText()
                  + " installed");
      return 0;
    }

    /** The most a downloaded bundle may hold (the platform refuses larger uploads anyway). */
    static final long MAX_DOWNLOAD_BYTES = 512L << 20;

    private static byte[] fetch(CliContext context, String url) {
      try {
        HttpResponse<java.io.InputStream> response =
            context
                .http()
                .send(
                    HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofMinutes(2))
                        .GET()
                        .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = response.body()) {
          if (response.statusCode() != 200) {
            throw new CliException("downloading " + url + " failed: HTTP " + response.statusCode());
          }
          byte[] zip = body.readNBytes((int) MAX_DOWNLOAD_BYTES + 1);
          if (zip.length > MAX_DOWNLOAD_BYTES) {
            throw new CliException(
                "downloading "
                    + url
                    + " failed: the plugin is larger than "
                    + (MAX_DOWNLOAD_BYTES >> 20)
                    + " MiB");
          }
          return zip;
        }
      } catch (IOException e) {
        throw new CliException("downloading " + url + " failed: " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CliException("interrupted while downloading " + url);
      }
    }
  }

  @Command(
      name = "uninstall",
      description = "Remove a plugin (every installed version unless --version is given).")
  static final class Uninstall implements Callable<Integer> {
    @ParentCommand Plugin parent;

    @Mixin RemoteOption remote;

    @Parameters(paramLabel = "NAME", description = "The plugin's name.")
    String name;

    @Option(names = "--version", description = "Only this version.")
    Optional<String> version;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      var api = remote.api(context);
      List<String> versions =
          version
              .map(List::of)
              .orElseGet(
                  () ->
                      api.get(PATH, new TypeReference<List<Map<String, Object>>>() {}).stream()
                          .filter(p -> name.equals(p.get("name")))
                          .map(p -> String.valueOf(p.get("version")))
                          .toList());
      if (versions.isEmpty()) {
        throw new CliException("plugin " + name + " is not installed");
      }
      for (String v : versions) {
        api.delete(PATH + "/" + enc(name) + "/" + enc(v), JsonNode.class);
        context.out().println("plugin " + name + " " + v + " uninstalled");
      }
      return 0;
    }
  }

  @Command(
      name = "list",
      description = "List the installed plugins and built-in job types and targets (staff only).")
  static final class ListPlugins implements Callable<Integer> {
    @ParentCommand Plugin parent;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      List<Map<String, Object>> plugins =
          remote.api(context).get(PATH, new TypeReference<List<Map<String, Object>>>() {});
      context.out().printf("%-30s %-15s %-15s %s%n", "NAME", "VERSION", "CATEGORY", "NOTE");
      for (Map<String, Object> p : plugins) {
        String note =
            Boolean.TRUE.equals(p.get("built_in"))
                ? "built in"
                : Optional.ofNullable(p.get("error")).map(Object::toString).orElse("");
        context
            .out()
            .printf(
                "%-30s %-15s %-15s %s%n",
                p.get("name"),
                p.get("version"),
                Optional.ofNullable(p.get("category")).orElse(""),
                note);
      }
      return 0;
    }
  }

  @Command(name = "download", description = "Download an installed plugin's ZIP (staff only).")
  static final class Download implements Callable<Integer> {
    @ParentCommand Plugin parent;

    @Mixin RemoteOption remote;

    @Parameters(paramLabel = "NAME", description = "The plugin's name.")
    String name;

    @Option(names = "--version", required = true, description = "The plugin's version.")
    String version;

    @Option(names = "--out", description = "Where to write it (default: NAME-VERSION.zip here).")
    Optional<Path> out;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      byte[] zip =
          remote.api(context).getBytes(PATH + "/" + enc(name) + "/" + enc(version) + "/download");
      Path target = out.orElse(Path.of(name + "-" + version + ".zip"));
      try {
        Files.write(target, zip);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + target, e);
      }
      context.out().println("plugin " + name + " " + version + " saved to " + target);
      return 0;
    }
  }

  @Command(
      name = "bundle",
      description =
          "Bundle a plugin directory (plugin-manifest.yaml, files, Java sources in src/main/java"
              + " compiled into lib/) into NAME-VERSION.zip.")
  static final class Bundle implements Callable<Integer> {
    @ParentCommand Plugin parent;

    @Parameters(paramLabel = "DIR", defaultValue = ".", description = "The plugin directory.")
    Path dir;

    @Option(names = "--out", description = "Directory to write the ZIP to (default: DIR).")
    Optional<Path> out;

    @Option(names = "--plugin-version", description = "Override the manifest's version.")
    Optional<String> pluginVersion;

    @Override
    public Integer call() {
      Path zip = new PluginBundler(dir, pluginVersion).bundle(out.orElse(dir));
      parent.context().out().println("plugin bundled: " + zip);
      return 0;
    }
  }
}
