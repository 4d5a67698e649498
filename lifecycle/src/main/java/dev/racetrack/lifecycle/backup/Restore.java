package dev.racetrack.lifecycle.backup;

import dev.racetrack.model.FileTrees;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.postgresql.copy.CopyIn;

/**
 * {@code racetrack admin restore}: first reads the whole backup and checks it (passphrase, every
 * checksum, format) without changing anything; then, in a second pass, loads every row in one
 * transaction and unpacks the files into a staging directory, commits, and moves the files into the
 * data directory. A failure before the commit leaves the database and the data directory as they
 * were.
 */
public final class Restore {
  private final BackupCipher cipher;
  private final Clock clock;

  public Restore(BackupCipher cipher, Clock clock) {
    this.cipher = cipher;
    this.clock = clock;
  }

  /** Pass one: decrypts and checks the whole backup; writes nothing. */
  public BackupManifest verify(Path file, char[] passphrase, Consumer<BackupProgress> sink) {
    BackupManifest manifest =
        read(
            file,
            passphrase,
            new ArchiveReader.Visitor() {
              @Override
              public void regular(String name, InputStream content, int mode) {
                safeName(name);
              }

              @Override
              public void symlink(String name, String target) {
                safeName(name);
              }
            });
    sink.accept(
        new BackupProgress.Verified(
            manifest.entries().size(),
            manifest.rows(),
            manifest.platformVersion(),
            manifest.schemaVersion()));
    return manifest;
  }

  /** Where a backup holds the local target's job states ({@code DATA_DIR/infrastructure/local}). */
  private static final String LOCAL_JOBS = "files/infrastructure/local/jobs/";

  /** The files of the backup that already exist in {@code dataDir} (a restore would clash). */
  public static List<String> clashes(Path dataDir, BackupManifest manifest) {
    Set<String> clashing = new TreeSet<>();
    for (BackupManifest.Entry entry : manifest.entries()) {
      if (entry.name().startsWith("files/")) {
        String[] parts = entry.name().substring("files/".length()).split("/", 3);
        String top = parts.length > 1 ? parts[0] + "/" + parts[1] : parts[0];
        if (Files.exists(dataDir.resolve(top))) {
          clashing.add(top);
        }
      }
    }
    return List.copyOf(clashing);
  }

  /**
   * Refuses a restore into another data directory than the one backed up when registered jobs run
   * from files inside the old one (the local target's artifacts are stored by absolute path): the
   * restored platform would start them from the old directory, or not at all.
   */
  public static void requireDataDirFits(BackupManifest manifest, Path dataDir) {
    if (manifest.dataDir().isEmpty()) {
      return;
    }
    Path from = Path.of(manifest.dataDir());
    Path to = dataDir.toAbsolutePath().normalize();
    if (from.equals(to)) {
      return;
    }
    // the local target's jobs: its state files record each job's artifact by absolute path (the
    // jobs' image column holds only the artifact's last segment); any other image by its path
    List<String> pointing =
        Stream.concat(
                manifest.entries().stream()
                    .map(BackupManifest.Entry::name)
                    .filter(n -> n.startsWith(LOCAL_JOBS) && n.endsWith("/state.json"))
                    .map(
                        n ->
                            "local job "
                                + n.substring(LOCAL_JOBS.length(), n.length() - 11)
                                + " (its artifact in "
                                + from.resolve("artifacts")
                                + ")"),
                manifest.images().stream()
                    .filter(i -> i.image() != null && Path.of(i.image()).startsWith(from))
                    .map(i -> i.name() + " v" + i.version() + " (" + i.image() + ")"))
            .toList();
    if (!pointing.isEmpty()) {
      throw new BackupException(
          "the backup was taken of data directory "
              + from
              + " but is being restored into "
              + to
              + ", and "
              + pointing.size()
              + " job(s) run from files inside "
              + from
              + ", e.g. "
              + pointing.getFirst()
              + ": the restored platform would still use those paths; restore into "
              + from
              + " (set RACETRACK_DATA_DIR="
              + from
              + "); nothing was changed");
    }
  }

  /**
   * Pass two: loads the rows into {@code database} (emptied first, in the same transaction) and the
   * files into {@code dataDir}. The database must be at the backup's schema version.
   */
  public void apply(
      Path file,
      char[] passphrase,
      Connection database,
      Target target,
      BackupManifest verified,
      Consumer<BackupProgress> sink) {
    Instant started = clock.instant();
    Path staging = target.dataDir().resolve(".restore-" + UUID.randomUUID());
    try {
      Files.createDirectories(
          staging,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      database.setAutoCommit(false);
      Loader loader = new Loader(database, target.schema(), verified, staging, sink);
      try {
        DatabaseDump.truncateAll(database, target.schema());
        BackupManifest again = read(file, passphrase, loader);
        loader.endTable();
        if (!again.equals(verified)) {
          throw new BackupException("backup " + file + " changed while being restored");
        }
        DatabaseDump.setSequences(database, target.schema(), verified.sequences());
        database.commit();
      } catch (SQLException | RuntimeException e) {
        loader.cancel();
        database.rollback();
        throw e;
      } finally {
        database.setAutoCommit(true);
      }
      moveIntoPlace(staging.resolve("files"), target.dataDir(), sink);
      sink.accept(
          new BackupProgress.Finished(
              file, Files.size(file), Duration.between(started, clock.instant())));
    } catch (IOException e) {
      throw new BackupException("cannot restore " + file + ": " + e.getMessage(), e);
    } catch (SQLException e) {
      throw new BackupException("cannot load the database: " + e.getMessage(), e);
    } finally {
      FileTrees.delete(staging);
    }
  }

  /** Where a backup is restored to. */
  public record Target(Path dataDir, String schema) {}

  private BackupManifest read(Path file, char[] passphrase, ArchiveReader.Visitor visitor) {
    if (!Files.isRegularFile(file)) {
      throw new BackupException("no backup file " + file);
    }
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      InputStream plain = cipher.decrypt(in, passphrase);
      BackupManifest manifest = ArchiveReader.read(plain, visitor);
      // to the end: the cipher's last segment says whether the file is complete
      plain.transferTo(OutputStream.nullOutputStream());
      return manifest;
    } catch (IOException e) {
      throw new BackupException("cannot read backup " + file + ": " + e.getMessage(), e);
    }
  }

  /** An entry name the archive may hold: {@code db/...} or {@code files/...}, nothing escaping. */
  static String safeName(String name) {
    boolean known = name.startsWith("db/") || name.startsWith("files/");
    boolean escapes =
        name.startsWith("/")
            || name.contains("\\")
            || Stream.of(name.split("/"))
                .anyMatch(s -> s.isEmpty() || s.equals("..") || s.equals("."));
    if (!known || escapes) {
      throw new BackupException("corrupted backup: unsafe entry name " + name);
    }
    return name;
  }

  /** The regular files under {@code dir} (links not followed) and their total size. */
  /** How many regular files a section holds, and their bytes. */
  private record Tally(int files, long bytes) {}

  private static Tally tally(Path dir) throws IOException {
    int files = 0;
    long bytes = 0;
    List<Path> regular;
    try (Stream<Path> walk = Files.walk(dir)) {
      regular = walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
    }
    for (Path file : regular) {
      files++;
      bytes += Files.size(file);
    }
    return new Tally(files, bytes);
  }

  private static void moveIntoPlace(Path files, Path dataDir, Consumer<BackupProgress> sink)
      throws IOException {
    if (!Files.isDirectory(files)) {
      return;
    }
    List<Path> sections;
    try (Stream<Path> list = Files.list(files)) {
      sections = list.sorted().toList();
    }
    for (Path section : sections) {
      Path destination = dataDir.resolve(section.getFileName().toString());
      Tally restored = tally(section); // counted before the move: what was restored
      if (!Files.exists(destination)) {
        Files.move(section, destination, StandardCopyOption.ATOMIC_MOVE);
      } else {
        List<Path> children;
        try (Stream<Path> list = Files.list(section)) {
          children = list.sorted().toList();
        }
        for (Path child : children) {
          Files.move(
              child,
              destination.resolve(child.getFileName().toString()),
              StandardCopyOption.ATOMIC_MOVE);
        }
      }
      sink.accept(
          new BackupProgress.SectionCopied(
              section.getFileName().toString(), restored.files(), restored.bytes()));
    }
  }

  /** Pass two's visitor: rows into COPY, one table at a time; files into the staging directory. */
  private static final class Loader implements ArchiveReader.Visitor {
    private final Connection database;
    private final String schema;
    private final Map<String, BackupManifest.Table> partOwners;
    private final Path staging;
    private final Consumer<BackupProgress> sink;
    private BackupManifest.Table table;
    private CopyIn copy;

    Loader(
        Connection database,
        String schema,
        BackupManifest manifest,
        Path staging,
        Consumer<BackupProgress> sink) {
      this.database = database;
      this.schema = schema;
      this.staging = staging;
      this.sink = sink;
      List<Map.Entry<String, BackupManifest.Table>> parts = new ArrayList<>();
      for (BackupManifest.Table t : manifest.tables()) {
        for (int i = 0; i < t.parts(); i++) {
          parts.add(Map.entry(t.part(i), t));
        }
      }
      this.partOwners =
          parts.stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Override
    public void regular(String name, InputStream content, int mode) throws IOException {
      safeName(name);
      if (name.startsWith("db/")) {
        rows(name, content);
        return;
      }
      endTable();
      Path path = staging.resolve(name);
      Files.createDirectories(path.getParent());
      Files.copy(content, path);
      Files.setPosixFilePermissions(path, permissions(mode));
    }

    @Override
    public void symlink(String name, String target) throws IOException {
      safeName(name);
      endTable();
      Path path = staging.resolve(name);
      Files.createDirectories(path.getParent());
      Files.createSymbolicLink(path, Path.of(target));
    }

    private void rows(String name, InputStream content) throws IOException {
      BackupManifest.Table owner = partOwners.get(name);
      if (owner == null) {
        throw new BackupException("corrupted backup: " + name + " belongs to no table");
      }
      try {
        if (owner != table) {
          endTable();
          table = owner;
          copy = DatabaseDump.load(database, schema, owner);
        }
        byte[] buffer = new byte[64 * 1024];
        int n;
        while ((n = content.read(buffer)) > 0) {
          copy.writeToCopy(buffer, 0, n);
        }
      } catch (SQLException e) {
        throw new BackupException("cannot load table " + owner.name() + ": " + e.getMessage(), e);
      }
    }

    void endTable() {
      if (copy == null) {
        return;
      }
      try {
        long rows = copy.endCopy();
        if (rows != table.rows()) {
          throw new BackupException(
              "table "
                  + table.name()
                  + ": loaded "
                  + rows
                  + " rows, the manifest lists "
                  + table.rows());
        }
        sink.accept(new BackupProgress.TableCopied(table.name(), rows));
      } catch (SQLException e) {
        throw new BackupException("cannot load table " + table.name() + ": " + e.getMessage(), e);
      } finally {
        copy = null;
      }
    }

    /** Abandons a COPY in progress so the transaction can be rolled back. */
    void cancel() {
      if (copy != null && copy.isActive()) {
        try {
          copy.cancelCopy();
        } catch (SQLException e) {
          // the rollback that follows ends the transaction anyway
        }
      }
      copy = null;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
      Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
      for (PosixFilePermission p : PosixFilePermission.values()) {
        if ((mode & (1 << (8 - p.ordinal()))) != 0) {
          set.add(p);
        }
      }
      set.add(PosixFilePermission.OWNER_READ);
      return set;
    }
  }
}
