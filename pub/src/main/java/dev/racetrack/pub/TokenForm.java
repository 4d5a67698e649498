package dev.racetrack.pub;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The token page's form ({@code POST /pub/job/NAME/_token}): answers with the job's auth cookie set
 * by the server ({@code HttpOnly}, for the job's path only) and sends the browser back to the page
 * it came from. Only PUB's own pages may post it.
 */
final class TokenForm {
  /** The form's body is a token and a path: a few KiB at most. */
  static final int MAX_BODY = 16 * 1024;

  private final Optional<URI> externalUrl;
  private final boolean tls;

  TokenForm(Optional<URI> externalUrl) {
    this(externalUrl, false);
  }

  /** {@code tls}: PUB itself serves HTTPS, so its cookies are {@code Secure}. */
  TokenForm(Optional<URI> externalUrl, boolean tls) {
    this.externalUrl = externalUrl;
    this.tls = tls;
  }

  /** The answer to a posted form of {@code job} (the body already read). */
  FullHttpResponse store(
      HttpHeaders headers, byte[] body, String job, boolean onJobHost, String tracingId) {
    if (!sameOrigin(headers, externalUrl, onJobHost)) {
      // another site (or a sandboxed page) must not plant its token in this browser
      return Answers.error(403, "a token can only be stored from PUB's own page", tracingId);
    }
    Map<String, List<String>> form =
        new QueryStringDecoder(
                new String(body, StandardCharsets.UTF_8), StandardCharsets.UTF_8, false)
            .parameters();
    String token = first(form, "token").orElse("").strip();
    boolean secure =
        tls
            || externalUrl.map(url -> "https".equals(url.getScheme())).orElse(false)
            || "https".equalsIgnoreCase(headers.get("X-Forwarded-Proto"));
    // on the job's own host the cookie is the host's (no Domain), for every path
    String cookiePath = onJobHost ? "/" : JobAnswerHeaders.cookiePath(job);
    FullHttpResponse response =
        Answers.redirect(303, backTo(job, first(form, "back").orElse(null)));
    response
        .headers()
        .add(
            HttpHeaderNames.SET_COOKIE,
            token.isEmpty()
                ? AuthCookies.clearCookie(job, cookiePath, secure)
                : AuthCookies.setCookie(job, token, cookiePath, secure));
    return response;
  }

  private static Optional<String> first(Map<String, List<String>> form, String name) {
    List<String> values = form.get(name);
    return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
  }

  /**
   * Whether a browser's form post comes from PUB's own pages: its {@code Origin}, when it sends
   * one, is PUB's external origin ({@code EXTERNAL_PUB_URL}) or, on a job's own host or when that
   * is not set, names the host the request was sent to (with the external URL's scheme, if set). A
   * sandboxed page sends {@code null}, which is no origin of PUB's.
   */
  static boolean sameOrigin(HttpHeaders headers, Optional<URI> externalUrl, boolean onJobHost) {
    String origin = headers.get(HttpHeaderNames.ORIGIN);
    if (origin == null) {
      return !"cross-site".equals(headers.get("Sec-Fetch-Site"));
    }
    if (externalUrl.isPresent() && !onJobHost) {
      return origin.equalsIgnoreCase(origin(externalUrl.get()));
    }
    String host = headers.get(HttpHeaderNames.HOST);
    int scheme = origin.indexOf("://");
    return host != null
        && scheme > 0
        && origin.substring(scheme + 3).equalsIgnoreCase(host)
        && externalUrl.map(url -> origin.substring(0, scheme).equals(url.getScheme())).orElse(true);
  }

  /** The origin of a URL as a browser writes it ({@code scheme://host[:port]}). */
  static String origin(URI url) {
    int port = url.getPort();
    boolean defaultPort =
        port < 0
            || ("https".equals(url.getScheme()) && port == 443)
            || ("http".equals(url.getScheme()) && port == 80);
    return url.getScheme() + "://" + url.getHost() + (defaultPort ? "" : ":" + port);
  }

  /** Where the token form sends the browser: the page it came from, if it is of this job. */
  static String backTo(String job, String back) {
    String own = JobAnswerHeaders.cookiePath(job);
    if (back == null
        || !back.startsWith(own)
        || back.contains("//")
        || back.contains("\\")
        || RequestPaths.hasDotSegment(back)
        || back.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      return own + "latest/";
    }
    return back;
  }
}
