package dev.racetrack.spi;

import dev.racetrack.model.FileTrees;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.StampedLock;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A download cache a build tool (pip, ...) keeps between the builds of ONE job family: {@code
 * DATA/cache/TOOL/FAMILY/}. Never shared between families: a cache is written by the family's own
 * (job-controlled) build steps, so a shared one would let one team's build plant files another
 * team's build then installs. Only the build step of the family is given it, read-write; it is
 * owned by the builder's user with mode 700.
 *
 * <p>Its size is bounded simply: after a build, a cache larger than {@code maxBytes} is emptied
 * (the next build downloads again and refills it). A build step holds the cache with {@link #use}
 * while its tool runs; {@link #trim} never empties a cache another build of the family is using (it
 * leaves that to the last one), and a build that starts while a trim empties it waits for the trim.
 * This holds between the builds of one image builder process.
 *
 * @param dir the family's cache directory for one tool
 * @param maxBytes the size above which {@link #trim} empties it
 */
public record BuildCache(Path dir, long maxBytes) {
  /** The caches' directory under the data directory. */
  public static final String DIRECTORY = "cache";

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  /**
   * Per cache directory: builds using it hold read locks, a trim emptying it the write lock (a
   * {@link StampedLock}: not owned by a thread, so a use may end on another thread than it began).
   */
  private static final ConcurrentHashMap<Path, StampedLock> LOCKS = new ConcurrentHashMap<>();

  /** A build step's hold on the cache, from {@link #use} until closed. */
  public interface Use extends AutoCloseable {
    @Override
    void close();
  }

  public BuildCache {
    Objects.requireNonNull(dir, "dir");
    if (maxBytes <= 0) {
      throw new IllegalArgumentException(
          "a build cache's size limit must be positive: " + maxBytes);
    }
  }

  /** The caches' root of a platform whose data directory is {@code dataDir}. */
  public static Path root(Path dataDir) {
    return dataDir.resolve(DIRECTORY);
  }

  /**
   * The cache of {@code tool} for the job family {@code family} under {@code root}.
   *
   * @throws IllegalArgumentException when the tool or family is not a plain directory name
   */
  public static BuildCache of(Path root, String tool, String family, long maxBytes) {
    return new BuildCache(root.resolve(segment(tool)).resolve(segment(family)), maxBytes);
  }

  /**
   * Removes every tool's cache of {@code family} under {@code root} (the family was deleted or its
   * builds are cleaned up); nothing happens when there is none.
   */
  public static void removeFamily(Path root, String family) {
    if (!Files.isDirectory(root)) {
      return;
    }
    String name = segment(family);
    try (Stream<Path> tools = Files.list(root)) {
      tools.filter(Files::isDirectory).forEach(tool -> FileTrees.delete(tool.resolve(name)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the build caches in " + root, e);
    }
  }

  /** Creates the directory (and its parents) with mode 700 when missing; returns it. */
  public Path open() {
    try {
      Files.createDirectories(
          dir.getParent(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      if (!Files.isDirectory(dir)) {
        Files.createDirectory(
            dir,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      }
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the build cache " + dir, e);
    }
  }

  /**
   * Creates the directory when missing and holds the cache for a build step until the returned
   * {@link Use} is closed: meanwhile no trim empties it. Waits while a trim is emptying it.
   */
  public Use use() {
    StampedLock lock = lock();
    long stamp = lock.readLock();
    try {
      open();
    } catch (RuntimeException e) {
      lock.unlockRead(stamp);
      throw e;
    }
    AtomicBoolean closed = new AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) {
        lock.unlockRead(stamp);
      }
    };
  }

  /**
   * Empties the cache when it holds more than {@code maxBytes} and no build is using it, saying so
   * in the build log; a cache in use is left for the last of its builds to trim.
   *
   * @return whether it was emptied
   */
  public boolean trim(BuildProgress progress) {
    long size = size();
    if (size <= maxBytes) {
      return false;
    }
    StampedLock lock = lock();
    long stamp = lock.tryWriteLock();
    if (stamp == 0) {
      progress.log(
          "keeping the build cache "
              + dir.getFileName()
              + " over its limit for now ("
              + (size >> 20)
              + " MB, limit "
              + (maxBytes >> 20)
              + " MB): another build of the family is using it");
      return false;
    }
    try {
      progress.log(
          "emptying the build cache "
              + dir.getFileName()
              + ": "
              + (size >> 20)
              + " MB is over its limit of "
              + (maxBytes >> 20)
              + " MB");
      FileTrees.delete(dir);
      open();
      return true;
    } finally {
      lock.unlockWrite(stamp);
    }
  }

  private StampedLock lock() {
    return LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new StampedLock());
  }

  /** The bytes of the regular files in the cache (0 when it does not exist). */
  public long size() {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files
          .map(BuildCache::attributes)
          .filter(BasicFileAttributes::isRegularFile)
          .mapToLong(BasicFileAttributes::size)
          .sum();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot measure the build cache " + dir, e);
    }
  }

  private static BasicFileAttributes attributes(Path p) {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p, e);
    }
  }

  private static String segment(String name) {
    if (!SEGMENT.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "'" + name + "' is not a valid build cache directory name");
    }
    return name;
  }
}
