package dev.racetrack.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Swagger UI's files from the webjar on the class path, for pages served without a CDN (the
 * lifecycle API's docs and every job's page at PUB). Only plain file names are served; found files
 * are kept in memory.
 */
public final class SwaggerUiAssets {
  private static final Map<String, String> TYPES =
      Map.of(
          ".css",
          "text/css; charset=utf-8",
          ".js",
          "text/javascript; charset=utf-8",
          ".png",
          "image/png",
          ".map",
          "application/json");

  private final String webjarRoot;
  private final Map<String, Asset> found = new ConcurrentHashMap<>();

  /** A file and its content type. */
  @SuppressWarnings("ArrayRecordComponent") // served as is, never compared
  public record Asset(byte[] bytes, String contentType) {}

  public SwaggerUiAssets() {
    this.webjarRoot = "META-INF/resources/webjars/swagger-ui/" + webjarVersion() + "/";
  }

  private static String webjarVersion() {
    try (InputStream in =
        SwaggerUiAssets.class
            .getClassLoader()
            .getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
      if (in == null) {
        throw new IllegalStateException("swagger-ui webjar is not on the class path");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file named so, if it is a plain file name and exists. */
  public Optional<Asset> find(String name) {
    if (!name.matches("[A-Za-z0-9._-]+") || name.startsWith(".")) {
      return Optional.empty();
    }
    Asset cached = found.get(name);
    if (cached != null) {
      return Optional.of(cached);
    }
    // Only found files are remembered: names that do not exist come from clients, without limit.
    Optional<Asset> loaded = load(name);
    loaded.ifPresent(asset -> found.putIfAbsent(name, asset));
    return loaded.map(asset -> found.get(name));
  }

  private Optional<Asset> load(String name) {
    try (InputStream in =
        SwaggerUiAssets.class.getClassLoader().getResourceAsStream(webjarRoot + name)) {
      if (in == null) {
        return Optional.empty();
      }
      String type =
          TYPES.entrySet().stream()
              .filter(e -> name.endsWith(e.getKey()))
              .map(Map.Entry::getValue)
              .findFirst()
              .orElse("application/octet-stream");
      return Optional.of(new Asset(in.readAllBytes(), type));
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
