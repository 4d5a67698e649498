package dev.racetrack.lifecycle.backup;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Compression (DEFLATE in gzip framing, fastest level) and then passphrase encryption of a backup
 * as a stream of AES-256-GCM segments (the STREAM construction, as in Tink's streaming AEAD), with
 * only the JDK's crypto. The key comes from the passphrase with PBKDF2-HMAC-SHA256 and a random
 * salt. Each segment's nonce holds a random prefix, the segment's number and whether it is the last
 * one, so reordered, dropped or cut-off segments fail authentication; a key-check tag right after
 * the header tells a wrong passphrase from a damaged file. Memory stays at one segment whatever the
 * backup's size. Format 2 compresses before encrypting; format 1 (uncompressed, the first
 * release's) is still read.
 *
 * <pre>
 * header:  "RTBACKUP" | format (1 or 2) | iterations (4) | salt (16) | nonce prefix (7)
 * check:   GCM tag of nothing, nonce = prefix | 0xFFFFFFFF | 2, header as associated data
 * segment: GCM(up to 1 MiB of the (format 2: gzip-compressed) plaintext),
 *          nonce = prefix | number (4) | last (1)
 * </pre>
 */
public final class BackupCipher {
  static final int DEFAULT_ITERATIONS = 600_000;
  private static final byte[] MAGIC = "RTBACKUP".getBytes(StandardCharsets.US_ASCII);

  /** Format 1: the plaintext is encrypted as it is; format 2: it is gzip-compressed first. */
  private static final byte UNCOMPRESSED = 1;

  private static final byte FORMAT = 2;
  private static final int SALT = 16;
  private static final int PREFIX = 7;
  private static final int TAG = 16;
  static final int SEGMENT = 1 << 20;
  private static final int HEADER = MAGIC.length + 1 + 4 + SALT + PREFIX;
  private static final int MAX_ITERATIONS = 10_000_000;

  private final int iterations;
  private final byte format;
  private final SecureRandom random = new SecureRandom();

  public BackupCipher() {
    this(DEFAULT_ITERATIONS);
  }

  /** With a given PBKDF2 work factor (tests use a small one). */
  BackupCipher(int iterations) {
    this(iterations, true);
  }

  /** Writing format 2 (compressed) or, for tests of reading old backups, format 1. */
  BackupCipher(int iterations, boolean compress) {
    if (iterations < 1000 || iterations > MAX_ITERATIONS) {
      throw new IllegalArgumentException("PBKDF2 iterations out of range: " + iterations);
    }
    this.iterations = iterations;
    this.format = compress ? FORMAT : UNCOMPRESSED;
  }

  /** A stream that encrypts what is written to {@code out}; closing it writes the last segment. */
  public OutputStream encrypt(OutputStream out, char[] passphrase) throws IOException {
    requirePassphrase(passphrase);
    byte[] salt = new byte[SALT];
    byte[] prefix = new byte[PREFIX];
    random.nextBytes(salt);
    random.nextBytes(prefix);
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    header.put(MAGIC).put(format).putInt(iterations).put(salt).put(prefix);
    Keys keys = new Keys(derive(passphrase, salt, iterations), prefix, header.array());
    out.write(keys.header);
    out.write(keys.seal(new byte[0], 0, 0, -1, 2));
    Encrypting encrypting = new Encrypting(out, keys);
    return format == UNCOMPRESSED ? encrypting : new Compressing(encrypting);
  }

  /**
   * A stream of the plaintext of {@code in}; reading fails with a {@link BackupException} saying
   * whether the passphrase is wrong, the file truncated or corrupted.
   */
  public InputStream decrypt(InputStream in, char[] passphrase) throws IOException {
    requirePassphrase(passphrase);
    DataInputStream data = new DataInputStream(in);
    byte[] header = new byte[HEADER];
    try {
      data.readFully(header);
    } catch (EOFException e) {
      throw new BackupException("not a Racetrack backup (too short)");
    }
    ByteBuffer fields = ByteBuffer.wrap(header);
    byte[] magic = new byte[MAGIC.length];
    fields.get(magic);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new BackupException("not a Racetrack backup (no RTBACKUP header)");
    }
    byte format = fields.get();
    if (format != FORMAT && format != UNCOMPRESSED) {
      throw new BackupException(
          "backup format "
              + format
              + " is not supported by this version (it reads "
              + UNCOMPRESSED
              + " and "
              + FORMAT
              + ")");
    }
    int rounds = fields.getInt();
    if (rounds < 1000 || rounds > MAX_ITERATIONS) {
      throw new BackupException("corrupted backup header (iterations " + rounds + ")");
    }
    byte[] salt = new byte[SALT];
    byte[] prefix = new byte[PREFIX];
    fields.get(salt).get(prefix);
    Keys keys = new Keys(derive(passphrase, salt, rounds), prefix, header);
    byte[] check = new byte[TAG];
    try {
      data.readFully(check);
    } catch (EOFException e) {
      throw new BackupException("truncated backup (it ends inside its header)");
    }
    try {
      keys.open(check, check.length, -1, 2);
    } catch (AEADBadTagException e) {
      throw new BackupException("wrong passphrase (or a corrupted backup header)");
    }
    Decrypting decrypting = new Decrypting(new PushbackInputStream(in, 1), keys);
    return format == UNCOMPRESSED ? decrypting : new Inflating(decrypting);
  }

  private static void requirePassphrase(char[] passphrase) {
    if (passphrase.length == 0) {
      throw new BackupException("the backup passphrase is empty");
    }
  }

  private static SecretKeySpec derive(char[] passphrase, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(passphrase, salt, iterations, 256);
      try {
        byte[] key =
            SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        return new SecretKeySpec(key, "AES");
      } finally {
        spec.clearPassword();
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
    }
  }

  /** The derived key and what every nonce and tag depends on. */
  private record Keys(SecretKeySpec key, byte[] prefix, byte[] header) {
    byte[] seal(byte[] plain, int offset, int length, int segment, int last) {
      try {
        Cipher cipher = cipher(Cipher.ENCRYPT_MODE, segment, last);
        return cipher.doFinal(plain, offset, length);
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM encryption failed", e);
      }
    }

    byte[] open(byte[] sealed, int length, int segment, int last) throws AEADBadTagException {
      try {
        return cipher(Cipher.DECRYPT_MODE, segment, last).doFinal(sealed, 0, length);
      } catch (AEADBadTagException e) {
        throw e;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES-GCM decryption failed", e);
      }
    }

    private Cipher cipher(int mode, int segment, int last) throws GeneralSecurityException {
      ByteBuffer nonce = ByteBuffer.allocate(12);
      nonce.put(prefix).putInt(segment).put((byte) last);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(mode, key, new GCMParameterSpec(TAG * 8, nonce.array()));
      cipher.updateAAD(header);
      return cipher;
    }
  }

  /** gzip at the fastest level: most of a backup is text, and the backup runs on a live system. */
  private static final class Compressing extends GZIPOutputStream {
    Compressing(OutputStream out) throws IOException {
      super(out, 1 << 16);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  /**
   * Inflates the decrypted stream; at the end of the compressed data it also reads the encrypted
   * stream to its end, so its last segment is authenticated (a cut-off file is caught) even when
   * the compressed data ended in an earlier segment.
   */
  private static final class Inflating extends InputStream {
    private final Decrypting decrypted;
    private InputStream inflated;

    Inflating(Decrypting decrypted) {
      this.decrypted = decrypted;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n;
      try {
        if (inflated == null) {
          inflated = new GZIPInputStream(decrypted, 1 << 16);
        }
        n = inflated.read(b, off, len);
      } catch (ZipException e) {
        throw new BackupException("corrupted backup: its compressed data is damaged", e);
      }
      if (n < 0) {
        decrypted.transferTo(OutputStream.nullOutputStream());
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      decrypted.close();
    }
  }

  private static final class Encrypting extends FilterOutputStream {
    private final Keys keys;
    private final byte[] buffer = new byte[SEGMENT];
    private int filled;
    private int segment;
    private boolean closed;

    Encrypting(OutputStream out, Keys keys) {
      super(out);
      this.keys = keys;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      while (len > 0) {
        if (filled == SEGMENT) { // more data follows: this segment is not the last
          out.write(keys.seal(buffer, 0, filled, segment++, 0));
          filled = 0;
        }
        int n = Math.min(len, SEGMENT - filled);
        System.arraycopy(b, off, buffer, filled, n);
        filled += n;
        off += n;
        len -= n;
      }
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      if (closed) {
        return;
      }
      closed = true;
      out.write(keys.seal(buffer, 0, filled, segment, 1));
      out.close();
    }
  }

  private static final class Decrypting extends InputStream {
    private final PushbackInputStream in;
    private final Keys keys;
    private final byte[] sealed = new byte[SEGMENT + TAG];
    private byte[] plain = new byte[0];
    private int position;
    private int segment;
    private boolean done;

    Decrypting(PushbackInputStream in, Keys keys) {
      this.in = in;
      this.keys = keys;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      while (position == plain.length) {
        if (done) {
          return -1;
        }
        nextSegment();
      }
      int n = Math.min(len, plain.length - position);
      System.arraycopy(plain, position, b, off, n);
      position += n;
      return n;
    }

    private void nextSegment() throws IOException {
      int length = in.readNBytes(sealed, 0, sealed.length);
      boolean last = length < sealed.length || atEnd();
      if (length < TAG) {
        throw new BackupException(
            "truncated backup (it ends after " + segment + " complete segment(s))");
      }
      try {
        plain = keys.open(sealed, length, segment, last ? 1 : 0);
      } catch (AEADBadTagException e) {
        throw damaged(length, last);
      }
      position = 0;
      segment++;
      done = last;
    }

    private boolean atEnd() throws IOException {
      int next = in.read();
      if (next < 0) {
        return true;
      }
      in.unread(next);
      return false;
    }

    private BackupException damaged(int length, boolean last) {
      if (last) {
        try {
          keys.open(sealed, length, segment, 0);
          return new BackupException(
              "truncated backup (it ends after segment " + segment + "; more were written)");
        } catch (AEADBadTagException e) {
          // not a cut-off stream: the bytes themselves are damaged
        }
      }
      return new BackupException(
          "corrupted or truncated backup: segment "
              + segment
              + " (bytes from "
              + ((long) segment * (SEGMENT + TAG) + HEADER + TAG)
              + ") fails authentication");
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
