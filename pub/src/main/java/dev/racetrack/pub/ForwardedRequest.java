package dev.racetrack.pub;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The client's cookies as a job sees them: without the auth cookies (of every job, see {@link
 * AuthCookies}), so a job never receives another subject's token.
 */
final class ForwardedRequest {
  private ForwardedRequest() {}

  /**
   * The cookie header without the auth cookies. Names are compared without surrounding whitespace,
   * as a lenient cookie parser reads {@code X-Racetrack-Auth =token} as the auth cookie too.
   */
  static String withoutAuthCookie(String cookieHeader) {
    return Arrays.stream(cookieHeader.split(";"))
        .map(String::strip)
        .filter(c -> !c.isEmpty() && !AuthCookies.isAuthCookie(cookieName(c)))
        .collect(Collectors.joining("; "));
  }

  private static String cookieName(String cookie) {
    int equals = cookie.indexOf('=');
    return (equals < 0 ? cookie : cookie.substring(0, equals)).strip();
  }
}
