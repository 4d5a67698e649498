package dev.racetrack.pub;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What PUB changes in the head of a job's answer before a browser sees it. Jobs share PUB's origin,
 * so a job's page must not act with that origin's authority: every answer gets {@code
 * X-Content-Type-Options: nosniff} and {@code Content-Security-Policy: sandbox} (an opaque origin,
 * no scripts, no forms; it only has an effect on documents) unless an admin approved the job's
 * webview ({@code PUB_WEBVIEW_JOBS}); a cookie a job sets is confined to the job's own path, and a
 * job may not set PUB's credential cookies.
 */
final class JobAnswerHeaders {
  static final String NOSNIFF = "nosniff";
  static final String SANDBOX = "sandbox";

  private final Set<String> webviewJobs;

  JobAnswerHeaders(Set<String> webviewJobs) {
    this.webviewJobs = Set.copyOf(webviewJobs);
  }

  /**
   * Applies PUB's rules to the answer fields for the client, in place; on the job's own host
   * ({@link JobHost}) the job's cookies keep their path, as the whole host is the job's.
   */
  void apply(String jobName, boolean onJobHost, HttpHeaders headers) {
    headers.remove("X-Content-Type-Options");
    if (headers.contains(HttpHeaderNames.SET_COOKIE)) {
      List<String> cookies = headers.getAll(HttpHeaderNames.SET_COOKIE);
      headers.remove(HttpHeaderNames.SET_COOKIE);
      for (String cookie : cookies) {
        cookie(jobName, onJobHost, cookie)
            .ifPresent(c -> headers.add(HttpHeaderNames.SET_COOKIE, c));
      }
    }
    headers.add("X-Content-Type-Options", NOSNIFF);
    if (!webviewJobs.contains(jobName)) {
      headers.add(HttpHeaderNames.CONTENT_SECURITY_POLICY, SANDBOX);
    }
  }

  /** The cookie path of a job: every version of it, nothing else. */
  static String cookiePath(String jobName) {
    return "/pub/job/" + jobName + "/";
  }

  /**
   * A job's {@code Set-Cookie} value with its {@code Domain} removed and its {@code Path} inside
   * the job's own path; empty for a cookie named like PUB's credential cookie.
   */
  static Optional<String> cookie(String jobName, String setCookie) {
    return cookie(jobName, false, setCookie);
  }

  /** As {@link #cookie(String, String)}; on the job's own host any path of it is the job's. */
  static Optional<String> cookie(String jobName, boolean onJobHost, String setCookie) {
    String[] parts = setCookie.split(";");
    String nameValue = parts[0].strip();
    int equals = nameValue.indexOf('=');
    String name = (equals < 0 ? nameValue : nameValue.substring(0, equals)).strip();
    if (AuthCookies.isAuthCookie(name)) {
      return Optional.empty();
    }
    String own = onJobHost ? "/" : cookiePath(jobName);
    String path = own;
    StringBuilder out = new StringBuilder(nameValue);
    for (int i = 1; i < parts.length; i++) {
      String attribute = parts[i].strip();
      int eq = attribute.indexOf('=');
      String key =
          (eq < 0 ? attribute : attribute.substring(0, eq)).strip().toLowerCase(Locale.ROOT);
      if (key.equals("domain") || attribute.isEmpty()) {
        continue;
      }
      if (key.equals("path")) {
        String value = eq < 0 ? "" : attribute.substring(eq + 1).strip();
        if (value.startsWith(own) && !value.contains("/.")) {
          path = value;
        }
        continue;
      }
      out.append("; ").append(attribute);
    }
    return Optional.of(out.append("; Path=").append(path).toString());
  }
}
