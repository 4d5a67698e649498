package dev.racetrack.lifecycle.database;

import java.util.Objects;

/** Where to connect: a JDBC URL, credentials and the schema holding the registry tables. */
public record JdbcTarget(String url, String user, String password, String schema) {
  public JdbcTarget {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(schema, "schema");
  }

  @Override
  public String toString() {
    return "JdbcTarget[" + url + ", user=" + user + ", schema=" + schema + "]";
  }
}
