package dev.racetrack.dashboard;

import dev.racetrack.dashboard.account.AccountRoutes;
import dev.racetrack.dashboard.admin.AdminRoutes;
import dev.racetrack.dashboard.admin.EscPages;
import dev.racetrack.dashboard.admin.PluginPages;
import dev.racetrack.dashboard.admin.RecordPages;
import dev.racetrack.dashboard.audit.AuditRoutes;
import dev.racetrack.dashboard.config.DashboardConfig;
import dev.racetrack.dashboard.docs.DocsRoutes;
import dev.racetrack.dashboard.job.JobPages;
import dev.racetrack.dashboard.job.ListPages;
import dev.racetrack.dashboard.job.LiveRoutes;
import dev.racetrack.dashboard.lifecycle.LifecycleClient;
import dev.racetrack.dashboard.lifecycle.LifecycleException;
import dev.racetrack.dashboard.session.Login;
import dev.racetrack.dashboard.session.SessionStore;
import dev.racetrack.dashboard.web.Assets;
import dev.racetrack.dashboard.web.Guard;
import dev.racetrack.dashboard.web.LoginRequiredException;
import dev.racetrack.dashboard.web.PageRoutes;
import dev.racetrack.dashboard.web.Web;
import dev.racetrack.dashboard.web.WebException;
import dev.racetrack.http.TlsConnectors;
import dev.racetrack.tls.TrustedCa;
import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The dashboard server: builds the object graph and the Javalin app, and starts it. */
public final class DashboardApp implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(DashboardApp.class);

  private final Javalin app;
  private final Web web;
  private final TlsConnectors tls;

  private DashboardApp(DashboardConfig config, Clock clock) {
    SessionStore sessions = new SessionStore(clock, config.sessionLifetime());
    HttpClient http =
        TrustedCa.trusting(
                HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(10))
                    .executor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()),
                config.tls().clientTrust())
            .build();
    this.tls = new TlsConnectors(config.tls());
    LifecycleClient lifecycle = new LifecycleClient(http, config.lifecycleUrl());
    TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    this.web = new Web(config, sessions, lifecycle, templates);
    Guard guard = new Guard(sessions, config.secureCookies());
    List<PageRoutes> features =
        List.of(
            new Assets(config.siteColour()),
            new AccountRoutes(web, guard),
            new JobPages(web),
            new LiveRoutes(web),
            new ListPages(web),
            new AuditRoutes(web, clock),
            new AdminRoutes(web),
            new EscPages(web),
            new RecordPages(web),
            new PluginPages(web),
            new DocsRoutes(web));
    this.app =
        Javalin.create(
            cfg -> {
              cfg.startup.showJavalinBanner = false;
              cfg.startup.showOldJavalinVersionWarning = false;
              cfg.concurrency.useVirtualThreads = true;
              cfg.http.defaultContentType = "text/html; charset=utf-8";
              tls.install(cfg.jetty, config.host(), config.port(), List.of("/dashboard"));
              cfg.router.ignoreTrailingSlashes = true;
              cfg.routes.before(guard::before);
              cfg.routes.get(Web.BASE + "/live", ctx -> ctx.contentType("text/plain").result("ok"));
              cfg.routes.get("/", ctx -> ctx.redirect(Web.BASE + "/jobs"));
              cfg.routes.get(Web.BASE, ctx -> ctx.redirect(Web.BASE + "/jobs"));
              features.forEach(f -> f.register(cfg.routes));
              cfg.routes.exception(LoginRequiredException.class, (e, ctx) -> toLogin(ctx));
              cfg.routes.exception(
                  WebException.class, (e, ctx) -> error(ctx, e.status(), e.getMessage()));
              cfg.routes.exception(LifecycleException.class, this::lifecycleError);
              cfg.routes.exception(
                  Exception.class,
                  (e, ctx) -> {
                    LOG.error("{} {} failed", ctx.method(), ctx.path(), e);
                    error(ctx, 500, "internal error, see the dashboard's log");
                  });
              cfg.routes.error(404, ctx -> notFound(ctx));
            });
  }

  public static DashboardApp start(DashboardConfig config, Clock clock) {
    DashboardApp dashboard = new DashboardApp(config, clock);
    dashboard.app.start();
    dashboard.tls.startReloading();
    LOG.info(
        "dashboard listening on {}://{}:{}{} (lifecycle at {})",
        config.tls().scheme(),
        config.host(),
        dashboard.port(),
        Web.BASE,
        config.lifecycleUrl());
    return dashboard;
  }

  public int port() {
    return app.port();
  }

  private static void toLogin(Context ctx) {
    if (ctx.header("HX-Request") != null) {
      ctx.header("HX-Redirect", Web.BASE + "/login");
      ctx.status(401).result("");
      return;
    }
    ctx.redirect(Web.BASE + "/login", HttpStatus.SEE_OTHER);
  }

  private void lifecycleError(LifecycleException e, Context ctx) {
    if (e.status() == 401 && stillLoggedIn(ctx)) {
      // lifecycle says 401 for "not allowed" too (as the original does): the user stays logged in
      error(ctx, 403, e.getMessage());
      return;
    }
    if (e.status() == 401) {
      // the lifecycle session ended (logout elsewhere, password change, expiry)
      String id = ctx.cookie(Guard.COOKIE);
      if (id != null) {
        web.sessions().remove(id);
      }
      toLogin(ctx);
      return;
    }
    error(ctx, e.status(), e.getMessage());
  }

  /** Whether the session's lifecycle token is still accepted (asked only after a 401). */
  private boolean stillLoggedIn(Context ctx) {
    if (ctx.attribute("dashboard.session") == null) {
      return false;
    }
    Optional<Login> login = web.session(ctx).login();
    if (login.isEmpty()) {
      return false;
    }
    try {
      web.lifecycle().get(login.get().token(), "/api/v1/users/validate_user_auth");
      return true;
    } catch (LifecycleException e) {
      return false;
    }
  }

  private void notFound(Context ctx) {
    if (ctx.result() == null || ctx.result().isEmpty()) {
      error(ctx, 404, "no such page: " + ctx.path());
    }
  }

  private void error(Context ctx, int status, String message) {
    ctx.status(status);
    if (ctx.header("HX-Request") != null || ctx.attribute("dashboard.session") == null) {
      ctx.contentType("text/plain; charset=utf-8").result(message);
      return;
    }
    web.render(ctx, "error.jte", "Error", "", Map.of("status", status, "message", message));
  }

  @Override
  public void close() {
    tls.close();
    app.stop();
  }
}
