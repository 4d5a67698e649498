package dev.racetrack.pub;

import dev.racetrack.model.auth.JobCallSecrets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * The client's request as a job sees it: the caller's credentials (auth headers and the auth
 * cookies), any client-supplied job secret and caller name are removed, so a job never receives
 * another subject's token and cannot be lied to about who calls.
 */
final class ForwardedRequest extends Request.Wrapper {
  private static final List<String> REMOVED =
      List.of(
          "X-Racetrack-Auth",
          "X-Racetrack-Esc-Auth",
          "X-Racetrack-User-Auth",
          JobCallSecrets.HEADER,
          GatewayHandler.CALLER_HEADER);

  private final HttpFields headers;

  ForwardedRequest(Request request) {
    super(request);
    this.headers = forwardable(request.getHeaders());
  }

  /** The headers a job may see: without the caller's credentials and claimed name. */
  static HttpFields forwardable(HttpFields original) {
    HttpFields.Mutable fields = HttpFields.build();
    for (HttpField field : original) {
      if (isCredentialOrCaller(field)) {
        continue;
      }
      if (field.getHeader() == HttpHeader.COOKIE) {
        String cookies = withoutAuthCookie(field.getValue());
        if (!cookies.isEmpty()) {
          fields.add(HttpHeader.COOKIE, cookies);
        }
        continue;
      }
      fields.add(field);
    }
    return fields.asImmutable();
  }

  /** An auth header, or a caller name the client claims. */
  static boolean isCredentialOrCaller(HttpField field) {
    for (String name : REMOVED) {
      if (field.is(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * The cookie header without the auth cookies (of every job, see {@link AuthCookies}). Names are
   * compared without surrounding whitespace, as Jetty's cookie parser reads {@code X-Racetrack-Auth
   * =token} as the auth cookie too.
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

  @Override
  public HttpFields getHeaders() {
    return headers;
  }
}
