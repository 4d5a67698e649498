package dev.racetrack.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Every row of every registry table as text: what a database dump would reveal. */
final class DatabaseDump {
  private DatabaseDump() {}

  static String dump(Path dataDir) {
    try {
      List<String> pid = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
      String password = Files.readString(dataDir.resolve("keys/postgres-password")).strip();
      StringBuilder out = new StringBuilder();
      try (Connection c =
              DriverManager.getConnection(
                  "jdbc:postgresql://localhost:" + pid.get(3).strip() + "/postgres",
                  "postgres",
                  password);
          Statement s = c.createStatement()) {
        List<String> tables = new ArrayList<>();
        try (ResultSet rs =
            s.executeQuery(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'racetrack'")) {
          while (rs.next()) {
            tables.add(rs.getString(1));
          }
        }
        for (String table : tables) {
          try (ResultSet rows =
              s.executeQuery("SELECT row_to_json(t)::text FROM racetrack." + table + " t")) {
            while (rows.next()) {
              out.append(table).append(": ").append(rows.getString(1)).append('\n');
            }
          }
        }
      }
      return out.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot dump the database: " + e.getMessage(), e);
    }
  }
}
