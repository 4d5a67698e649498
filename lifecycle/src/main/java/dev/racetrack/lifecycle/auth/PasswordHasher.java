package dev.racetrack.lifecycle.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PBKDF2-HMAC-SHA256 password hashes in Django's format ({@code pbkdf2_sha256$600000$salt$hash}),
 * so hashes move freely between this platform and Django tooling (§4.7).
 */
public final class PasswordHasher {
  public static final int DEFAULT_ITERATIONS = 600_000;
  private static final String ALGORITHM = "pbkdf2_sha256";
  private static final String SALT_CHARS =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Hashed when a user does not exist, so a miss costs as much time as a wrong password. */
  private final String dummyHash;

  private final int iterations;

  public PasswordHasher() {
    this(DEFAULT_ITERATIONS);
  }

  /** A hasher with a custom work factor (tests use a small one). */
  public PasswordHasher(int iterations) {
    this.iterations = iterations;
    this.dummyHash = hash("dummy password for timing");
  }

  public String hash(String password) {
    StringBuilder salt = new StringBuilder();
    for (int i = 0; i < 22; i++) {
      salt.append(SALT_CHARS.charAt(RANDOM.nextInt(SALT_CHARS.length())));
    }
    return encode(password, salt.toString(), iterations);
  }

  /** Constant-time check of a password against a stored hash. */
  public boolean verify(String password, String encoded) {
    String[] parts = encoded.split("\\$", -1);
    if (parts.length != 4 || !ALGORITHM.equals(parts[0])) {
      return false;
    }
    int rounds;
    try {
      rounds = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      return false;
    }
    String candidate = encode(password, parts[2], rounds);
    return MessageDigest.isEqual(
        candidate.getBytes(StandardCharsets.US_ASCII), encoded.getBytes(StandardCharsets.US_ASCII));
  }

  /** Spends the time of one verification; used when the user does not exist. */
  public void verifyDummy(String password) {
    verify(password, dummyHash);
  }

  private static String encode(String password, String salt, int rounds) {
    try {
      PBEKeySpec spec =
          new PBEKeySpec(
              password.toCharArray(), salt.getBytes(StandardCharsets.UTF_8), rounds, 256);
      byte[] hash =
          SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
      return ALGORITHM + "$" + rounds + "$" + salt + "$" + Base64.getEncoder().encodeToString(hash);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 unavailable", e);
    }
  }
}
