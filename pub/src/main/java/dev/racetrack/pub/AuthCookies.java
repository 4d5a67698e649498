package dev.racetrack.pub;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The cookie a browser keeps a Racetrack token in, one per job: named {@code
 * X-Racetrack-Auth-NAME}, set by PUB ({@code HttpOnly; SameSite=Strict}) for the path {@code
 * /pub/job/NAME/} only, and accepted only on calls to that job. Job pages cannot read it, and the
 * browser never sends it to another job, to lifecycle or to the dashboard.
 */
final class AuthCookies {
  static final String PREFIX = "X-Racetrack-Auth";

  /** Keep the token about a month, as the former cookie did. */
  private static final long MAX_AGE_SECONDS = 2_678_400L;

  private AuthCookies() {}

  /** The cookie name holding the token for {@code jobName}. */
  static String name(String jobName) {
    return PREFIX + "-" + jobName;
  }

  /** Whether a cookie carries a Racetrack token (of any job, or the former site-wide cookie). */
  static boolean isAuthCookie(String cookieName) {
    String name = cookieName.strip().toLowerCase(Locale.ROOT);
    String prefix = PREFIX.toLowerCase(Locale.ROOT);
    return name.equals(prefix) || name.startsWith(prefix + "-");
  }

  /**
   * The {@code Set-Cookie} value storing {@code token} for {@code jobName}, for {@code path}: the
   * job's path on PUB's host, {@code /} on the job's own host (see {@link JobHost}). It never has a
   * {@code Domain}, so it stays on the host that set it.
   */
  static String setCookie(String jobName, String token, String path, boolean secure) {
    return name(jobName)
        + "="
        + URLEncoder.encode(token, StandardCharsets.UTF_8)
        + "; Path="
        + path
        + "; Max-Age="
        + MAX_AGE_SECONDS
        + "; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  /** The {@code Set-Cookie} value removing the cookie of {@code jobName}. */
  static String clearCookie(String jobName, String path, boolean secure) {
    return name(jobName)
        + "=; Path="
        + path
        + "; Max-Age=0; HttpOnly; SameSite=Strict"
        + (secure ? "; Secure" : "");
  }

  /** A cookie value URL-decoded; a value that is not valid URL encoding is taken as it is. */
  static String decoded(String value) {
    try {
      return URLDecoder.decode(value, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return value;
    }
  }
}
