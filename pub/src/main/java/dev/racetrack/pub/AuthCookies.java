package dev.racetrack.pub;

import io.netty.handler.codec.http.cookie.ClientCookieEncoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.cookie.ServerCookieEncoder;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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
    return encoded(
        jobName, URLEncoder.encode(token, StandardCharsets.UTF_8), path, MAX_AGE_SECONDS, secure);
  }

  /** The {@code Set-Cookie} value removing the cookie of {@code jobName}. */
  static String clearCookie(String jobName, String path, boolean secure) {
    return encoded(jobName, "", path, 0, secure);
  }

  /** Written by Netty's encoder (the value is URL-encoded, so it needs no quoting). */
  private static String encoded(
      String jobName, String value, String path, long maxAge, boolean secure) {
    DefaultCookie cookie = new DefaultCookie(name(jobName), value);
    cookie.setPath(path);
    cookie.setMaxAge(maxAge);
    cookie.setHttpOnly(true);
    cookie.setSameSite(CookieHeaderNames.SameSite.Strict);
    cookie.setSecure(secure);
    return ServerCookieEncoder.LAX.encode(cookie);
  }

  /**
   * The token in this job's auth cookie among the request's {@code Cookie} fields (read by Netty's
   * lenient decoder, which ignores whitespace around names and unquotes values), URL-decoded.
   */
  static Optional<String> token(List<String> cookieFields, String jobName) {
    String wanted = name(jobName);
    for (String field : cookieFields) {
      for (Cookie cookie : ServerCookieDecoder.LAX.decodeAll(field)) {
        String value = cookie.value().strip();
        if (cookie.name().equals(wanted) && !value.isEmpty()) {
          return Optional.of(decoded(value).strip());
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A {@code Cookie} field without the auth cookies (of every job, and the former site-wide one),
   * as Netty's lenient decoder reads it and its encoder writes it again; empty when nothing is
   * left. Cookies without a value are dropped.
   */
  static String withoutAuthCookies(String cookieField) {
    List<Cookie> kept =
        ServerCookieDecoder.LAX.decodeAll(cookieField).stream()
            .filter(cookie -> !isAuthCookie(cookie.name()))
            .toList();
    return kept.isEmpty() ? "" : ClientCookieEncoder.LAX.encode(kept);
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
