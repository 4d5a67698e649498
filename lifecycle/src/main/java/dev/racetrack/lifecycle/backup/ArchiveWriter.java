package dev.racetrack.lifecycle.backup;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes the tar inside a backup, recording each entry's size and SHA-256 for the manifest. */
final class ArchiveWriter implements AutoCloseable {
  static final String MANIFEST = "manifest.json";

  private final TarArchiveOutputStream tar;
  private final List<BackupManifest.Entry> entries = new ArrayList<>();

  ArchiveWriter(OutputStream plain) {
    tar = new TarArchiveOutputStream(plain, StandardCharsets.UTF_8.name());
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
  }

  List<BackupManifest.Entry> entries() {
    return List.copyOf(entries);
  }

  void add(String name, byte[] data, int length) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name);
    entry.setSize(length);
    entry.setMode(0600);
    tar.putArchiveEntry(entry);
    tar.write(data, 0, length);
    tar.closeArchiveEntry();
    MessageDigest sha = sha256();
    sha.update(data, 0, length);
    entries.add(new BackupManifest.Entry(name, length, hex(sha)));
  }

  /** Adds a regular file as it is when opened (files are replaced by rename, not rewritten). */
  void addFile(String name, Path file, int mode) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = channel.size();
      TarArchiveEntry entry = new TarArchiveEntry(name);
      entry.setSize(size);
      entry.setMode(mode);
      tar.putArchiveEntry(entry);
      MessageDigest sha = sha256();
      InputStream in = Channels.newInputStream(channel);
      byte[] buffer = new byte[64 * 1024];
      long left = size;
      while (left > 0) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          throw new IOException(file + " shrank while being backed up");
        }
        tar.write(buffer, 0, n);
        sha.update(buffer, 0, n);
        left -= n;
      }
      tar.closeArchiveEntry();
      entries.add(new BackupManifest.Entry(name, size, hex(sha)));
    }
  }

  void addSymlink(String name, String target) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(name, TarArchiveEntry.LF_SYMLINK);
    entry.setLinkName(target);
    tar.putArchiveEntry(entry);
    tar.closeArchiveEntry();
    byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
    MessageDigest sha = sha256();
    sha.update(bytes);
    entries.add(new BackupManifest.Entry(name, 0, hex(sha)));
  }

  /** Adds the manifest as the last entry and ends the tar (the cipher's last segment follows). */
  void finish(byte[] manifest) throws IOException {
    TarArchiveEntry entry = new TarArchiveEntry(MANIFEST);
    entry.setSize(manifest.length);
    entry.setMode(0600);
    tar.putArchiveEntry(entry);
    tar.write(manifest);
    tar.closeArchiveEntry();
    tar.finish();
  }

  @Override
  public void close() throws IOException {
    tar.close();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  static String hex(MessageDigest sha) {
    return HexFormat.of().formatHex(sha.digest());
  }
}
