package dev.racetrack.pub;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/** Rules for the request paths and ids PUB accepts. */
final class RequestPaths {
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private RequestPaths() {}

  /** Whether a client's tracing id may be kept (else PUB makes one). */
  static boolean safeId(String id) {
    return SAFE_ID.matcher(id).matches();
  }

  /** The client's tracing id when it may be kept ({@code incoming} may be null), else a new one. */
  static String tracingId(String incoming) {
    return incoming != null && safeId(incoming) ? incoming : newTracingId();
  }

  /**
   * A random (version 4) UUID for a call without one. Tracing ids must be unique, not secret, so a
   * fast non-cryptographic generator does.
   */
  static String newTracingId() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L;
    long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(high, low).toString();
  }

  /** Whether a path has a {@code .} or {@code ..} segment. */
  static boolean hasDotSegment(String path) {
    int start = 0;
    while (start <= path.length()) {
      int end = path.indexOf('/', start);
      if (end < 0) {
        end = path.length();
      }
      int length = end - start;
      if ((length == 1 || length == 2)
          && path.charAt(start) == '.'
          && (length == 1 || path.charAt(start + 1) == '.')) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  /**
   * Whether a raw (still percent-encoded) path means something else once decoded or normalised by
   * the job's server: an encoded slash or backslash, a backslash, or a dot segment written with
   * percent-encoding or path parameters ({@code %2e%2e}, {@code ..;x}). Such paths are refused.
   */
  static boolean ambiguous(String rawPath) {
    String lower = rawPath.toLowerCase(Locale.ROOT);
    if (lower.contains("%2f") || lower.contains("%5c") || lower.contains("\\")) {
      return true;
    }
    for (String segment : lower.split("/", -1)) {
      int semicolon = segment.indexOf(';');
      String bare = (semicolon < 0 ? segment : segment.substring(0, semicolon)).replace("%2e", ".");
      if ((semicolon >= 0 || !bare.equals(segment)) && (bare.equals(".") || bare.equals(".."))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Why PUB refuses the job path {@code rest} ({@code NAME/VERSION/...}) before authorizing it, if
   * it does: lifecycle and the job would resolve dot segments or hidden separators, each in its own
   * way, to another endpoint than the one authorized.
   */
  static Optional<String> refusal(String rest) {
    if (hasDotSegment(rest)) {
      return Optional.of("Proxy request error: a job path must not contain . or .. segments");
    }
    if (ambiguous(rest)) {
      return Optional.of(
          "Proxy request error: a job path must not hide separators or dot segments in"
              + " percent-encoding or path parameters");
    }
    return Optional.empty();
  }
}
