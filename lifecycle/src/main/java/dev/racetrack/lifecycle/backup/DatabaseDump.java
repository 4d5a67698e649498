package dev.racetrack.lifecycle.backup;

import java.io.IOException;
import java.io.OutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

/**
 * A logical dump of the registry over JDBC (the embedded PostgreSQL has no {@code pg_dump}): every
 * table's rows with PostgreSQL's own {@code COPY} (text format, exact for every type), all read in
 * one {@code REPEATABLE READ READ ONLY} transaction, so the dump is one consistent snapshot while
 * the platform keeps running. Tables come parents first, so loading them in order satisfies every
 * foreign key.
 */
final class DatabaseDump {
  static final String FLYWAY_TABLE = "flyway_schema_history";
  private static final int PART_BYTES = 8 << 20;

  /** What the snapshot held besides the rows streamed into the archive. */
  record Snapshot(
      String schemaVersion,
      List<BackupManifest.Table> tables,
      List<BackupManifest.SequenceValue> sequences,
      List<BackupManifest.JobImage> images) {}

  private DatabaseDump() {}

  /** Dumps {@code schema} into the archive; the connection is left in autocommit afterwards. */
  static Snapshot dump(
      Connection connection, String schema, ArchiveWriter archive, Consumer<BackupProgress> sink)
      throws SQLException, IOException {
    connection.setAutoCommit(false);
    try (Statement s = connection.createStatement()) {
      s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
      String version = schemaVersion(connection, schema);
      CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
      List<BackupManifest.Table> tables = new ArrayList<>();
      for (String table : loadOrder(connection, schema)) {
        List<String> columns = columns(connection, schema, table);
        try (Parts parts = new Parts(archive, table)) {
          long rows =
              copy.copyOut(
                  "COPY " + qualified(schema, table) + " (" + list(columns) + ") TO STDOUT", parts);
          parts.close();
          tables.add(new BackupManifest.Table(table, columns, rows, parts.count));
          sink.accept(new BackupProgress.TableCopied(table, rows));
        }
      }
      Snapshot snapshot =
          new Snapshot(version, tables, sequences(connection, schema), images(connection, schema));
      connection.commit();
      return snapshot;
    } finally {
      if (!connection.getAutoCommit()) {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    }
  }

  /** The version of the last migration applied, as Flyway records it. */
  static String schemaVersion(Connection connection, String schema) throws SQLException {
    try (PreparedStatement q =
        connection.prepareStatement(
            "SELECT version FROM "
                + qualified(schema, FLYWAY_TABLE)
                + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
      try (ResultSet r = q.executeQuery()) {
        if (!r.next()) {
          throw new BackupException("schema " + schema + " has no applied migration");
        }
        return r.getString(1);
      }
    }
  }

  /** The schema's tables (not Flyway's), every referenced table before those referencing it. */
  static List<String> loadOrder(Connection connection, String schema) throws SQLException {
    Set<String> tables = new TreeSet<>();
    try (PreparedStatement q =
        connection.prepareStatement(
            "SELECT table_name FROM information_schema.tables"
                + " WHERE table_schema = ? AND table_type = 'BASE TABLE' AND table_name <> ?")) {
      q.setString(1, schema);
      q.setString(2, FLYWAY_TABLE);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          tables.add(r.getString(1));
        }
      }
    }
    Map<String, Set<String>> parents = new TreeMap<>();
    try (PreparedStatement q =
        connection.prepareStatement(
            """
            SELECT c.relname, p.relname FROM pg_constraint k
              JOIN pg_class c ON c.oid = k.conrelid
              JOIN pg_class p ON p.oid = k.confrelid
              JOIN pg_namespace n ON n.oid = k.connamespace
             WHERE k.contype = 'f' AND n.nspname = ?
            """)) {
      q.setString(1, schema);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          if (!r.getString(1).equals(r.getString(2))) {
            parents.computeIfAbsent(r.getString(1), t -> new TreeSet<>()).add(r.getString(2));
          }
        }
      }
    }
    LinkedHashSet<String> ordered = new LinkedHashSet<>();
    for (String table : tables) {
      visit(table, parents, ordered, new HashMap<>());
    }
    return List.copyOf(ordered);
  }

  private static void visit(
      String table,
      Map<String, Set<String>> parents,
      LinkedHashSet<String> ordered,
      Map<String, Boolean> path) {
    if (ordered.contains(table)) {
      return;
    }
    if (path.put(table, true) != null) {
      throw new BackupException("foreign keys form a cycle through table " + table);
    }
    for (String parent : parents.getOrDefault(table, Set.of())) {
      visit(parent, parents, ordered, path);
    }
    path.remove(table);
    ordered.add(table);
  }

  static List<String> columns(Connection connection, String schema, String table)
      throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement q =
        connection.prepareStatement(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = ?"
                + " AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position")) {
      q.setString(1, schema);
      q.setString(2, table);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          columns.add(r.getString(1));
        }
      }
    }
    return columns;
  }

  private static List<BackupManifest.SequenceValue> sequences(Connection connection, String schema)
      throws SQLException {
    List<BackupManifest.SequenceValue> values = new ArrayList<>();
    try (PreparedStatement q =
        connection.prepareStatement(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = ?"
                + " ORDER BY sequencename")) {
      q.setString(1, schema);
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          long last = r.getLong(2);
          boolean called = !r.wasNull();
          values.add(new BackupManifest.SequenceValue(r.getString(1), called ? last : 1, called));
        }
      }
    }
    return values;
  }

  private static List<BackupManifest.JobImage> images(Connection connection, String schema)
      throws SQLException {
    List<BackupManifest.JobImage> images = new ArrayList<>();
    try (PreparedStatement q =
        connection.prepareStatement(
            "SELECT name, version, status, image_tag, infrastructure_target FROM "
                + qualified(schema, "registry_job")
                + " ORDER BY name, version")) {
      try (ResultSet r = q.executeQuery()) {
        while (r.next()) {
          images.add(
              new BackupManifest.JobImage(
                  r.getString(1),
                  r.getString(2),
                  r.getString(3),
                  Optional.ofNullable(r.getString(4)).orElse(""),
                  Optional.ofNullable(r.getString(5)).orElse("")));
        }
      }
    }
    return images;
  }

  /**
   * Starts loading a table's rows (the caller holds the transaction): its archive parts are written
   * to the returned COPY one after the other, since a row may straddle two parts.
   */
  static CopyIn load(Connection connection, String schema, BackupManifest.Table table)
      throws SQLException {
    CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
    return copy.copyIn(
        "COPY " + qualified(schema, table.name()) + " (" + list(table.columns()) + ") FROM STDIN");
  }

  /** Empties every table of the schema but Flyway's (rows seeded by migrations included). */
  static void truncateAll(Connection connection, String schema) throws SQLException {
    List<String> tables = loadOrder(connection, schema);
    if (tables.isEmpty()) {
      return;
    }
    try (Statement s = connection.createStatement()) {
      s.execute(
          "TRUNCATE "
              + String.join(", ", tables.stream().map(t -> qualified(schema, t)).toList())
              + " RESTART IDENTITY CASCADE");
    }
  }

  static void setSequences(
      Connection connection, String schema, List<BackupManifest.SequenceValue> sequences)
      throws SQLException {
    try (PreparedStatement q = connection.prepareStatement("SELECT setval(?::regclass, ?, ?)")) {
      for (BackupManifest.SequenceValue sequence : sequences) {
        q.setString(1, qualified(schema, sequence.name()));
        q.setLong(2, sequence.value());
        q.setBoolean(3, sequence.called());
        q.execute();
      }
    }
  }

  /** Rows in tables an unused platform leaves empty (settings and plugins are seeded). */
  static long userRows(Connection connection, String schema) throws SQLException {
    long rows = 0;
    for (String table : List.of("auth_user", "registry_job", "registry_deployment")) {
      try (Statement s = connection.createStatement();
          ResultSet r = s.executeQuery("SELECT count(*) FROM " + qualified(schema, table))) {
        r.next();
        rows += r.getLong(1);
      }
    }
    return rows;
  }

  static String qualified(String schema, String name) {
    return quote(schema) + "." + quote(name);
  }

  private static String quote(String identifier) {
    return "\"" + identifier.replace("\"", "\"\"") + "\"";
  }

  private static String list(List<String> columns) {
    return String.join(", ", columns.stream().map(DatabaseDump::quote).toList());
  }

  /** Splits a table's COPY output into archive entries of at most 8 MiB (tar needs sizes). */
  private static final class Parts extends OutputStream {
    private final ArchiveWriter archive;
    private final String table;
    private final byte[] buffer = new byte[PART_BYTES];
    private int filled;
    private int count;
    private boolean closed;

    Parts(ArchiveWriter archive, String table) {
      this.archive = archive;
      this.table = table;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (filled == buffer.length) {
          flushPart();
        }
        int n = Math.min(len, buffer.length - filled);
        System.arraycopy(b, off, buffer, filled, n);
        filled += n;
        off += n;
        len -= n;
      }
    }

    private void flushPart() throws IOException {
      archive.add(new BackupManifest.Table(table, List.of(), 0, 0).part(count++), buffer, filled);
      filled = 0;
    }

    @Override
    public void close() throws IOException {
      if (!closed) {
        closed = true;
        if (filled > 0 || count == 0) {
          flushPart();
        }
      }
    }
  }
}
