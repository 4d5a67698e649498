package dev.racetrack.lifecycle.backup;

import dev.racetrack.model.Json;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads the tar inside a backup, hashing every entry as it streams past; once the manifest (the
 * last entry) is read, every entry must be listed in it with the same SHA-256 and size, and every
 * listed entry must have been seen.
 */
final class ArchiveReader {

  /** What to do with each entry as it streams past (the stream is drained afterwards). */
  interface Visitor {
    void regular(String name, InputStream content, int mode) throws IOException;

    void symlink(String name, String target) throws IOException;
  }

  private ArchiveReader() {}

  /** Reads the whole archive; returns its manifest once every checksum matched. */
  static BackupManifest read(InputStream plain, Visitor visitor) throws IOException {
    TarArchiveInputStream tar = new TarArchiveInputStream(plain, StandardCharsets.UTF_8.name());
    Map<String, BackupManifest.Entry> seen = new LinkedHashMap<>();
    BackupManifest manifest = null;
    TarArchiveEntry entry;
    while ((entry = tar.getNextEntry()) != null) {
      String name = entry.getName();
      if (manifest != null) {
        throw new BackupException("corrupted backup: entry " + name + " after the manifest");
      }
      if (ArchiveWriter.MANIFEST.equals(name)) {
        manifest = Json.mapper().readValue(tar.readAllBytes(), BackupManifest.class);
        continue;
      }
      if (seen.containsKey(name)) {
        throw new BackupException("corrupted backup: entry " + name + " appears twice");
      }
      MessageDigest sha = ArchiveWriter.sha256();
      if (entry.isSymbolicLink()) {
        sha.update(entry.getLinkName().getBytes(StandardCharsets.UTF_8));
        visitor.symlink(name, entry.getLinkName());
        seen.put(name, new BackupManifest.Entry(name, 0, ArchiveWriter.hex(sha)));
      } else if (entry.isFile()) {
        Hashing content = new Hashing(tar, sha);
        visitor.regular(name, content, entry.getMode());
        content.transferTo(java.io.OutputStream.nullOutputStream());
        seen.put(name, new BackupManifest.Entry(name, content.count, ArchiveWriter.hex(sha)));
      } else {
        throw new BackupException("corrupted backup: entry " + name + " is neither file nor link");
      }
    }
    if (manifest == null) {
      throw new BackupException("corrupted backup: no manifest.json");
    }
    verify(manifest, seen);
    return manifest;
  }

  private static void verify(BackupManifest manifest, Map<String, BackupManifest.Entry> seen) {
    if (manifest.format() != BackupManifest.FORMAT) {
      throw new BackupException(
          "backup manifest format " + manifest.format() + " is not supported by this version");
    }
    Map<String, BackupManifest.Entry> listed =
        manifest.entries().stream()
            .collect(Collectors.toMap(BackupManifest.Entry::name, Function.identity()));
    for (BackupManifest.Entry entry : seen.values()) {
      BackupManifest.Entry expected = listed.get(entry.name());
      if (expected == null) {
        throw new BackupException("corrupted backup: " + entry.name() + " is not in the manifest");
      }
      if (!expected.equals(entry)) {
        throw new BackupException(
            "corrupted backup: checksum of " + entry.name() + " does not match the manifest");
      }
    }
    Set<String> missing = new java.util.TreeSet<>(listed.keySet());
    missing.removeAll(seen.keySet());
    if (!missing.isEmpty()) {
      throw new BackupException("corrupted backup: missing " + List.copyOf(missing));
    }
  }

  /** Counts and hashes what is read through it. */
  private static final class Hashing extends FilterInputStream {
    private final MessageDigest sha;
    private long count;

    Hashing(InputStream in, MessageDigest sha) {
      super(in);
      this.sha = sha;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        sha.update((byte) b);
        count++;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) {
        sha.update(b, off, n);
        count += n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      return 0; // never skip unhashed bytes: readers fall back to read()
    }

    @Override
    public void close() {
      // the tar stream stays open for the next entry
    }
  }
}
