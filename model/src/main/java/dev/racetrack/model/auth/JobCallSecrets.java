package dev.racetrack.model.auth;

import dev.racetrack.model.error.ValidationException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The per-job secret PUB presents to a job on every forwarded call, so that a job performs only for
 * PUB: {@code HMAC-SHA256(key, name NUL version)} in base64url. Lifecycle gives it to the job in
 * {@value #ENV}; PUB computes it from the same platform key ({@code JOB_CALL_KEY}) and sends it in
 * {@value #HEADER}.
 */
public final class JobCallSecrets {
  /** The request header PUB sends the secret in (and removes from clients' requests). */
  public static final String HEADER = "X-Racetrack-Job-Secret";

  /** The reserved environment variable a job finds its secret in. */
  public static final String ENV = "RACETRACK_JOB_CALL_SECRET";

  /** Shortest key accepted (a generated key is 32 random bytes, 44 base64 characters). */
  public static final int MIN_KEY_LENGTH = 32;

  private final SecretKeySpec key;
  private final Map<String, String> known = new ConcurrentHashMap<>();

  /** {@code key} is the platform's job call key as configured (its UTF-8 bytes key the HMAC). */
  public JobCallSecrets(String key) {
    Objects.requireNonNull(key, "key");
    if (key.strip().length() < MIN_KEY_LENGTH) {
      throw new ValidationException(
          "JOB_CALL_KEY must be at least " + MIN_KEY_LENGTH + " characters long");
    }
    this.key = new SecretKeySpec(key.strip().getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** The secret of one job version (computed once per job version). */
  public String secret(String jobName, String jobVersion) {
    return known.computeIfAbsent(jobName + '\0' + jobVersion, k -> compute(jobName, jobVersion));
  }

  private String compute(String jobName, String jobVersion) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      mac.update(jobName.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0);
      mac.update(jobVersion.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  @Override
  public String toString() {
    return "JobCallSecrets[key=(redacted)]";
  }
}
