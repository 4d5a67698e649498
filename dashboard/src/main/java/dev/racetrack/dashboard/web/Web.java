package dev.racetrack.dashboard.web;

import dev.racetrack.dashboard.config.DashboardConfig;
import dev.racetrack.dashboard.lifecycle.LifecycleClient;
import dev.racetrack.dashboard.session.Login;
import dev.racetrack.dashboard.session.Session;
import dev.racetrack.dashboard.session.SessionStore;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What every page handler uses: the session of the request, the lifecycle client, rendering of
 * templates inside the layout, redirects.
 */
public final class Web {
  public static final String BASE = "/dashboard";
  static final String SESSION_ATTRIBUTE = "dashboard.session";

  private final DashboardConfig config;
  private final SessionStore sessions;
  private final LifecycleClient lifecycle;
  private final TemplateEngine templates;

  public Web(
      DashboardConfig config,
      SessionStore sessions,
      LifecycleClient lifecycle,
      TemplateEngine templates) {
    this.config = config;
    this.sessions = sessions;
    this.lifecycle = lifecycle;
    this.templates = templates;
  }

  public DashboardConfig config() {
    return config;
  }

  public SessionStore sessions() {
    return sessions;
  }

  public LifecycleClient lifecycle() {
    return lifecycle;
  }

  public Session session(Context ctx) {
    Session session = ctx.attribute(SESSION_ATTRIBUTE);
    if (session == null) {
      throw new IllegalStateException("no session resolved for " + ctx.path());
    }
    return session;
  }

  /** The logged-in user; a redirect to the login page when nobody is. */
  public Login login(Context ctx) {
    return session(ctx).login().orElseThrow(LoginRequiredException::new);
  }

  /** The logged-in user's lifecycle token. */
  public String token(Context ctx) {
    return login(ctx).token();
  }

  /** Renders {@code template} inside the layout. */
  public void render(
      Context ctx, String template, String title, String active, Map<String, Object> params) {
    ctx.html(renderToString(ctx, template, title, active, params));
  }

  public String renderToString(
      Context ctx, String template, String title, String active, Map<String, Object> params) {
    Session session = session(ctx);
    Map<String, Object> all = new HashMap<>(params);
    all.put(
        "page", new PageContext(title, active, config.siteName(), session.login(), session.csrf()));
    StringOutput out = new StringOutput();
    templates.render(template, all, out);
    return out.toString();
  }

  /** Renders a fragment (no layout) with just {@code params}. */
  public void fragment(Context ctx, String template, Map<String, Object> params) {
    StringOutput out = new StringOutput();
    templates.render(template, params, out);
    ctx.html(out.toString());
  }

  /** Post/redirect/get: a 303 to a dashboard path. */
  public static void seeOther(Context ctx, String path) {
    ctx.redirect(BASE + path, HttpStatus.SEE_OTHER);
  }

  /** A required form field, stripped; 400 naming it when missing. */
  public static String form(Context ctx, String name) {
    return optionalForm(ctx, name)
        .orElseThrow(() -> new WebException(400, "the field '" + name + "' is required"));
  }

  public static Optional<String> optionalForm(Context ctx, String name) {
    return Optional.ofNullable(ctx.formParam(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  public static Optional<String> query(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).map(String::strip).filter(v -> !v.isEmpty());
  }

  /**
   * How many rows a paged list shows: the {@code limit} query parameter, 1 to {@code max}, else
   * {@code max}; anything but a whole number in that range is refused naming it.
   */
  public static int limit(Context ctx, int max) {
    Optional<String> text = query(ctx, "limit");
    if (text.isEmpty()) {
      return max;
    }
    try {
      int limit = Integer.parseInt(text.get());
      if (limit >= 1 && limit <= max) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // refused below
    }
    String shown = text.get().length() > 20 ? text.get().substring(0, 20) + "..." : text.get();
    throw new WebException(400, "limit must be a whole number from 1 to " + max + ", not " + shown);
  }

  /** A path segment for a lifecycle URL. */
  public static String seg(String value) {
    return LifecycleClient.encode(value);
  }
}
