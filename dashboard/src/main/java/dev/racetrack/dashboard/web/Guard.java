package dev.racetrack.dashboard.web;

import dev.racetrack.dashboard.session.Session;
import dev.racetrack.dashboard.session.SessionStore;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.HandlerType;
import io.javalin.http.SameSite;
import java.net.URI;
import java.util.Optional;
import java.util.Set;

/**
 * Runs before every request: security headers, the session (a new anonymous one when the browser
 * has none), the CSRF check of every request that changes something, and the login gate.
 */
public final class Guard {
  public static final String COOKIE = "racetrack_dashboard";
  public static final String CSRF_FIELD = "_csrf";
  public static final String CSRF_HEADER = "X-CSRF-Token";

  static final String CSP =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
          + " connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none';"
          + " form-action 'self'; frame-ancestors 'none'";
  private static final Set<String> PUBLIC_PAGES =
      Set.of(Web.BASE + "/login", Web.BASE + "/register", Web.BASE + "/live");

  private final SessionStore sessions;
  private final boolean secureCookies;

  public Guard(SessionStore sessions, boolean secureCookies) {
    this.sessions = sessions;
    this.secureCookies = secureCookies;
  }

  public void before(Context ctx) {
    ctx.header("Content-Security-Policy", CSP);
    ctx.header("X-Content-Type-Options", "nosniff");
    ctx.header("X-Frame-Options", "DENY");
    ctx.header("Referrer-Policy", "same-origin");
    if (isAsset(ctx.path()) || !isPage(ctx.path())) {
      // no session for assets, nor for paths outside the dashboard (a browser's /favicon.ico
      // must not get a fresh session cookie that replaces the real one)
      return;
    }
    ctx.header("Cache-Control", "no-store");
    Session session = resolve(ctx);
    ctx.attribute(Web.SESSION_ATTRIBUTE, session);
    if (changes(ctx)) {
      checkOrigin(ctx);
      checkCsrf(ctx, session);
    }
    if (session.login().isEmpty() && !PUBLIC_PAGES.contains(trimmed(ctx.path()))) {
      throw new LoginRequiredException();
    }
  }

  /** Sets the session cookie (HttpOnly, SameSite=Strict, only for the dashboard's paths). */
  public void setCookie(Context ctx, Session session) {
    Cookie cookie = new Cookie(COOKIE, session.id());
    cookie.setPath(Web.BASE);
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.STRICT);
    cookie.setSecure(secureCookies || "https".equals(ctx.scheme()));
    cookie.setMaxAge((int) sessions.lifetime().toSeconds());
    ctx.cookie(cookie);
  }

  private Session resolve(Context ctx) {
    Optional<Session> existing = Optional.ofNullable(ctx.cookie(COOKIE)).flatMap(sessions::find);
    if (existing.isPresent()) {
      return existing.get();
    }
    Session fresh = sessions.anonymous();
    setCookie(ctx, fresh);
    return fresh;
  }

  private static boolean changes(Context ctx) {
    HandlerType method = ctx.method();
    return method != HandlerType.GET && method != HandlerType.HEAD && method != HandlerType.OPTIONS;
  }

  /** Browsers say where a request comes from: anything but this origin is refused. */
  private static void checkOrigin(Context ctx) {
    String site = ctx.header("Sec-Fetch-Site");
    if (site != null && !site.equals("same-origin") && !site.equals("none")) {
      throw new WebException(403, "cross-site request refused (Sec-Fetch-Site: " + site + ")");
    }
    String origin = ctx.header("Origin");
    if (origin != null && !origin.equals("null")) {
      String host = ctx.header("Host");
      URI uri;
      try {
        uri = URI.create(origin);
      } catch (IllegalArgumentException e) {
        throw new WebException(403, "cross-site request refused (malformed Origin)");
      }
      String originHost = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
      if (host == null || !host.equalsIgnoreCase(originHost)) {
        throw new WebException(403, "cross-site request refused (Origin: " + origin + ")");
      }
    } else if ("null".equals(origin)) {
      throw new WebException(403, "cross-site request refused (Origin: null)");
    }
  }

  private static void checkCsrf(Context ctx, Session session) {
    String presented = ctx.header(CSRF_HEADER);
    if (presented == null) {
      presented = ctx.formParam(CSRF_FIELD);
    }
    if (presented == null || !SessionStore.csrfMatches(session, presented)) {
      throw new WebException(
          403, "missing or wrong CSRF token: reload the page and submit the form again");
    }
  }

  static boolean isPage(String path) {
    return path.equals(Web.BASE) || path.startsWith(Web.BASE + "/");
  }

  static boolean isAsset(String path) {
    return path.startsWith(Web.BASE + "/static/")
        || path.startsWith(Web.BASE + "/assets/")
        || path.equals(Web.BASE + "/site.css");
  }

  private static String trimmed(String path) {
    return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
  }
}
