package dev.racetrack.spi;

import dev.racetrack.model.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM. The key lives in a file of its own (mode 600), apart
 * from the database, or comes from the environment. Output: {@code v1:} + base64(iv || ciphertext).
 */
public final class SecretBox {
  private static final String PREFIX = "v1:";
  private static final int IV_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  public SecretBox(byte[] key) {
    if (key.length != 32) {
      throw new IllegalArgumentException(
          "a secrets key must be 32 bytes (256 bits), got " + key.length);
    }
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  /** The box whose key is stored in {@code keyFile}, created with random bytes on first use. */
  public static SecretBox fromKeyFile(Path keyFile) {
    return new SecretBox(Base64.getDecoder().decode(readOrCreateKey(keyFile, 32)));
  }

  /**
   * Reads a base64 key from {@code file}, or writes {@code bytes} fresh random bytes there (mode
   * 600, parent directories 700) and returns them.
   */
  public static String readOrCreateKey(Path file, int bytes) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      }
      Path dir = file.toAbsolutePath().getParent();
      Files.createDirectories(dir);
      trySetPermissions(dir, "rwx------");
      byte[] random = new byte[bytes];
      RANDOM.nextBytes(random);
      String encoded = Base64.getEncoder().encodeToString(random);
      if (!AtomicFiles.create(file, encoded + "\n")) {
        // another process created it meanwhile: use theirs
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      }
      return encoded;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read or create key file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Restricts a file's permissions where the file system supports POSIX permissions. */
  public static void trySetPermissions(Path path, String permissions) {
    try {
      Set<PosixFilePermission> perms = PosixFilePermissions.fromString(permissions);
      Files.setPosixFilePermissions(path, perms);
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system: nothing more we can do
    }
  }

  public String encrypt(String plain) {
    try {
      byte[] iv = new byte[IV_BYTES];
      RANDOM.nextBytes(iv);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
      System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
      return PREFIX + Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM encryption failed", e);
    }
  }

  /**
   * Decrypts what {@link #encrypt} produced.
   *
   * @throws IllegalStateException when the text was not sealed with this key
   */
  public String decrypt(String sealed) {
    if (!sealed.startsWith(PREFIX)) {
      throw new IllegalStateException("not an encrypted value");
    }
    try {
      byte[] data = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, data, 0, IV_BYTES));
      return new String(
          cipher.doFinal(data, IV_BYTES, data.length - IV_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalStateException(
          "cannot decrypt a secret: wrong secrets key or damaged data", e);
    }
  }
}
