package dev.racetrack.lifecycle.database;

import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which database to use: an external PostgreSQL ({@code DATABASE_URL} or {@code POSTGRES_*}) or,
 * when none is configured, the embedded one kept in the data directory.
 */
public record DatabaseSettings(Optional<JdbcTarget> external) {
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  public static final String DEFAULT_SCHEMA = "racetrack";

  public static DatabaseSettings fromEnv(Map<String, String> env) {
    EnvReader e = new EnvReader(env);
    String schema = e.string("POSTGRES_SCHEMA", DEFAULT_SCHEMA);
    if (!SCHEMA.matcher(schema).matches()) {
      throw new ValidationException(
          "environment variable POSTGRES_SCHEMA must be a lower-case SQL identifier, got '"
              + schema
              + "'");
    }
    Optional<String> url = e.optional("DATABASE_URL");
    if (url.isPresent()) {
      return new DatabaseSettings(Optional.of(fromUrl(url.get(), schema, e)));
    }
    Optional<String> host = e.optional("POSTGRES_HOST");
    if (host.isEmpty()) {
      return new DatabaseSettings(Optional.empty());
    }
    String jdbc =
        "jdbc:postgresql://"
            + host.get()
            + ":"
            + e.port("POSTGRES_PORT", 5432)
            + "/"
            + e.string("POSTGRES_DB", "racetrack")
            + e.optional("POSTGRES_SSLMODE").map(m -> "?sslmode=" + m).orElse("");
    return new DatabaseSettings(
        Optional.of(
            new JdbcTarget(
                jdbc,
                e.string("POSTGRES_USER", "racetrack"),
                e.string("POSTGRES_PASSWORD", ""),
                schema)));
  }

  private static JdbcTarget fromUrl(String url, String schema, EnvReader e) {
    if (url.startsWith("jdbc:postgresql:")) {
      return new JdbcTarget(
          url, e.string("POSTGRES_USER", ""), e.string("POSTGRES_PASSWORD", ""), schema);
    }
    try {
      URI uri = new URI(url);
      if (!"postgres".equals(uri.getScheme()) && !"postgresql".equals(uri.getScheme())) {
        throw new URISyntaxException(url, "scheme must be postgres:// or jdbc:postgresql:");
      }
      String user = "";
      String password = "";
      if (uri.getRawUserInfo() != null) {
        String[] parts = uri.getRawUserInfo().split(":", 2);
        user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
        password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
      }
      String jdbc =
          "jdbc:postgresql://"
              + uri.getHost()
              + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
              + (uri.getRawPath() == null || uri.getRawPath().isEmpty()
                  ? "/racetrack"
                  : uri.getRawPath())
              + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      return new JdbcTarget(
          jdbc, e.string("POSTGRES_USER", user), e.string("POSTGRES_PASSWORD", password), schema);
    } catch (URISyntaxException ex) {
      throw new ValidationException(
          "environment variable DATABASE_URL must look like postgres://user:password@host:5432/db"
              + " or jdbc:postgresql://host:5432/db ("
              + ex.getReason()
              + ")");
    }
  }

  /** For the start-up log: no password. */
  public String describe() {
    return external
        .map(t -> t.url() + " (user " + t.user() + ", schema " + t.schema() + ")")
        .orElse("embedded PostgreSQL");
  }
}
