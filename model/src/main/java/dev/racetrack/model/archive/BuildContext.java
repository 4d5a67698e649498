package dev.racetrack.model.archive;

import dev.racetrack.model.error.PayloadTooLargeException;
import dev.racetrack.model.error.ValidationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

/**
 * A job's build context: a gzipped tar of its directory, sent base64-encoded in a deploy request.
 * Packing is done by the client; checking and extracting by the server, which refuses absolute
 * paths, {@code ..}, links pointing outside the context, special files and oversized content.
 */
public final class BuildContext {

  /** Bounds on what a context may contain. */
  public record Limits(long maxCompressedBytes, long maxUncompressedBytes, int maxEntries) {
    public static final Limits DEFAULT = new Limits(64L << 20, 512L << 20, 100_000);
  }

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private BuildContext() {}

  /**
   * Packs {@code dir} into a .tar.gz, including the paths (relative to {@code dir}) {@code include}
   * accepts. Symbolic links are stored as links, not followed.
   *
   * @throws ValidationException naming a named pipe, socket or device in {@code dir}
   */
  public static byte[] pack(Path dir, Predicate<Path> include) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream gz = new GzipCompressorOutputStream(bytes);
        TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
      tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
      for (Path file : walk(dir, include)) {
        String name = dir.relativize(file).toString().replace('\\', '/');
        if (Files.isSymbolicLink(file)) {
          TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
          entry.setLinkName(Files.readSymbolicLink(file).toString());
          tar.putArchiveEntry(entry);
        } else if (Files.isDirectory(file)) {
          tar.putArchiveEntry(new TarArchiveEntry(file, name + "/"));
        } else if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
          // reading a named pipe would wait forever for a writer; a build has no use for them
          throw new ValidationException(
              "cannot pack "
                  + name
                  + " in "
                  + dir
                  + ": it is not a regular file, directory or symbolic link (a named pipe, socket"
                  + " or device); remove it or add it to .gitignore");
        } else {
          TarArchiveEntry entry = new TarArchiveEntry(file, name);
          tar.putArchiveEntry(entry);
          Files.copy(file, tar);
        }
        tar.closeArchiveEntry();
      }
      tar.finish();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pack " + dir + ": " + e.getMessage(), e);
    }
    return bytes.toByteArray();
  }

  private static List<Path> walk(Path dir, Predicate<Path> include) throws IOException {
    return walkUnder(dir, dir, include);
  }

  private static List<Path> walkUnder(Path root, Path dir, Predicate<Path> include)
      throws IOException {
    List<Path> result = new ArrayList<>();
    try (Stream<Path> children = Files.list(dir)) {
      for (Path child : children.sorted().toList()) {
        if (!include.test(root.relativize(child))) {
          continue;
        }
        result.add(child);
        if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
          result.addAll(walkUnder(root, child, include));
        }
      }
    }
    return result;
  }

  /** Decodes the base64 text of a deploy request, enforcing the compressed size limit. */
  public static byte[] decode(String base64, Limits limits) {
    long approxBytes = (long) base64.length() * 3 / 4;
    if (approxBytes > limits.maxCompressedBytes()) {
      throw new PayloadTooLargeException(
          "build context is "
              + mib(approxBytes)
              + " compressed, above the limit of "
              + mib(limits.maxCompressedBytes())
              + "; add large files to .gitignore or deploy from git");
    }
    try {
      return Base64.getDecoder().decode(WHITESPACE.matcher(base64).replaceAll(""));
    } catch (IllegalArgumentException e) {
      throw new ValidationException("build_context is not valid base64: " + e.getMessage(), e);
    }
  }

  /** Checks a context without writing anything; throws naming the first offending entry. */
  public static void check(byte[] targz, Limits limits) {
    read(targz, limits, Optional.empty());
  }

  /**
   * Checks a context kept in a file (the decoded .tar.gz), reading it as a stream: nothing of the
   * size of the whole context is held in memory.
   */
  public static void check(Path targz, Limits limits) {
    try (InputStream in = Files.newInputStream(targz)) {
      read(in, limits, Optional.empty());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the build context: " + e.getMessage(), e);
    }
  }

  /** Checks and extracts a context into {@code dest} (which must exist and be empty). */
  public static void extract(byte[] targz, Path dest, Limits limits) {
    read(new ByteArrayInputStream(targz), limits, Optional.of(dest.toAbsolutePath().normalize()));
  }

  /**
   * Checks and extracts a context kept in a file (a decoded upload) into {@code dest} (which must
   * exist and be empty), reading it as a stream.
   */
  public static void extract(Path targz, Path dest, Limits limits) {
    try (InputStream in = Files.newInputStream(targz)) {
      read(in, limits, Optional.of(dest.toAbsolutePath().normalize()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the build context: " + e.getMessage(), e);
    }
  }

  private static void read(byte[] targz, Limits limits, Optional<Path> dest) {
    read(new ByteArrayInputStream(targz), limits, dest);
  }

  private static void read(InputStream targz, Limits limits, Optional<Path> dest) {
    long total = 0;
    int count = 0;
    Set<Path> files = new HashSet<>();
    try (InputStream gz = new GzipCompressorInputStream(targz);
        TarArchiveInputStream tar = new TarArchiveInputStream(gz)) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        if (++count > limits.maxEntries()) {
          throw new PayloadTooLargeException(
              "build context has more than " + limits.maxEntries() + " entries");
        }
        Path relative = safeName(entry.getName());
        checkEntryType(entry, relative, files);
        total += Math.max(0, entry.getSize());
        if (total > limits.maxUncompressedBytes()) {
          throw new PayloadTooLargeException(
              "build context unpacks to more than " + mib(limits.maxUncompressedBytes()));
        }
        if (dest.isPresent()) {
          write(tar, entry, dest.get(), relative);
        }
        if (!entry.isDirectory() && !entry.isSymbolicLink()) {
          files.add(relative); // a regular file, or a hard link to one
        }
      }
    } catch (IOException e) {
      throw new ValidationException(
          "build context is not a valid .tar.gz archive: " + e.getMessage(), e);
    }
    if (dest.isPresent()) {
      requireLinksInside(dest.get(), "build context entry", "context");
    }
  }

  private static Path safeName(String name) {
    String normalized = name.replace('\\', '/');
    if (normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*")) {
      throw new ValidationException("build context entry '" + name + "' has an absolute path");
    }
    for (String segment : normalized.split("/")) {
      if (segment.equals("..")) {
        throw new ValidationException(
            "build context entry '" + name + "' points outside the context (..)");
      }
    }
    Path path = Path.of(normalized.isEmpty() ? "." : normalized).normalize();
    if (path.startsWith("..") || path.isAbsolute()) {
      throw new ValidationException(
          "build context entry '" + name + "' points outside the context");
    }
    return path;
  }

  /**
   * Allows regular files, directories, symbolic links that stay inside the context (as far as the
   * names tell; {@link #requireLinksInside} checks the real file system after extraction) and hard
   * links to regular files earlier in the same archive. Devices, FIFOs and anything else are
   * refused.
   */
  private static void checkEntryType(TarArchiveEntry entry, Path relative, Set<Path> files) {
    if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
      throw new ValidationException(
          "build context entry '"
              + entry.getName()
              + "' is a device or FIFO; only regular files, directories and links are allowed");
    }
    if (entry.isLink()) {
      String target = entry.getLinkName();
      if (target.startsWith("/") || !files.contains(safeLinkTarget(entry))) {
        throw new ValidationException(
            "build context entry '"
                + entry.getName()
                + "' is a hard link to '"
                + target
                + "', which is not a file earlier in the archive (outside the context?)");
      }
    } else if (entry.isSymbolicLink()) {
      String target = entry.getLinkName();
      Path parent = Optional.ofNullable(relative.getParent()).orElse(Path.of(""));
      Path resolved = parent.resolve(target).normalize();
      if (Path.of(target).isAbsolute() || target.startsWith("/") || resolved.startsWith("..")) {
        throw new ValidationException(
            "build context entry '"
                + entry.getName()
                + "' is a link to '"
                + target
                + "', outside the context");
      }
    } else if (!entry.isDirectory() && !entry.isFile()) {
      throw new ValidationException(
          "build context entry '" + entry.getName() + "' is not a regular file, directory or link");
    }
  }

  private static Path safeLinkTarget(TarArchiveEntry entry) {
    try {
      return safeName(entry.getLinkName());
    } catch (ValidationException e) {
      throw new ValidationException(
          "build context entry '"
              + entry.getName()
              + "' is a hard link to '"
              + entry.getLinkName()
              + "', outside the context",
          e);
    }
  }

  private static void write(
      TarArchiveInputStream tar, TarArchiveEntry entry, Path dest, Path relative)
      throws IOException {
    Path target = dest.resolve(relative).normalize();
    if (!target.startsWith(dest)) {
      throw new ValidationException(
          "build context entry '" + entry.getName() + "' points outside the context");
    }
    ensureNoLinkOnPath(dest, target, entry.getName());
    if (entry.isDirectory()) {
      Files.createDirectories(target);
    } else if (entry.isSymbolicLink()) {
      Files.createDirectories(target.getParent());
      Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
    } else if (entry.isLink()) {
      Path source = dest.resolve(safeName(entry.getLinkName()));
      // the source is a regular file this archive wrote, reached through no link
      ensureNoLinkOnPath(dest, source, entry.getName());
      if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
        throw new ValidationException(
            "build context entry '"
                + entry.getName()
                + "' is a hard link to '"
                + entry.getLinkName()
                + "', which is not a regular file of the archive");
      }
      Files.createDirectories(target.getParent());
      Files.copy(source, target, LinkOption.NOFOLLOW_LINKS);
    } else {
      Files.createDirectories(target.getParent());
      Files.copy(tar, target);
      if ((entry.getMode() & 0100) != 0) {
        target.toFile().setExecutable(true, false);
      }
    }
  }

  /** Refuses to write through a symbolic link extracted earlier (a link to a directory). */
  private static void ensureNoLinkOnPath(Path root, Path target, String name) {
    for (Path p = target.getParent();
        p != null && p.startsWith(root) && !p.equals(root);
        p = p.getParent()) {
      if (Files.isSymbolicLink(p)) {
        throw new ValidationException(
            "build context entry '" + name + "' is written through a link");
      }
    }
  }

  /**
   * Checks every symbolic link under {@code root} against the real file system: each must resolve,
   * through any chain of links, to a path inside {@code root}. A dangling link must point inside
   * {@code root} by its name alone. Throws naming the first offending link ({@code what} says what
   * an entry of the tree is, e.g. {@code "git checkout file"}; {@code rootName} what the tree is,
   * e.g. {@code "checkout"}).
   */
  public static void requireLinksInside(Path root, String what, String rootName) {
    try {
      Path realRoot = root.toRealPath();
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path link : paths.filter(Files::isSymbolicLink).toList()) {
          if (!resolvesInside(link, realRoot)) {
            throw new ValidationException(
                what
                    + " '"
                    + root.relativize(link).toString().replace('\\', '/')
                    + "' is a link to '"
                    + Files.readSymbolicLink(link)
                    + "', which resolves outside the "
                    + rootName);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check the links under " + root, e);
    }
  }

  private static boolean resolvesInside(Path link, Path realRoot) throws IOException {
    try {
      try {
        return link.toRealPath().startsWith(realRoot);
      } catch (NoSuchFileException e) {
        return resolveDangling(link).startsWith(realRoot);
      }
    } catch (FileSystemException e) {
      return false; // a loop of links, or a component that is not a directory
    }
  }

  /**
   * Where a dangling link points: its target followed segment by segment, each existing part
   * resolved on the real file system (links included), the missing rest by name.
   */
  private static Path resolveDangling(Path link) throws IOException {
    Path target = Files.readSymbolicLink(link);
    Path current = target.isAbsolute() ? target.getRoot() : link.getParent().toRealPath();
    boolean missing = false;
    for (Path segment : target) {
      String name = segment.toString();
      if (name.equals("..")) {
        current = Optional.ofNullable(current.getParent()).orElse(current);
      } else if (!name.equals(".")) {
        current = current.resolve(name);
        if (!missing && Files.exists(current, LinkOption.NOFOLLOW_LINKS)) {
          current = current.toRealPath();
        } else {
          missing = true;
        }
      }
    }
    return current;
  }

  /** A size in MiB with one decimal, for messages. */
  public static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
