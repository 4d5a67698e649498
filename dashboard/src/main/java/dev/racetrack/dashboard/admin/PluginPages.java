package dev.racetrack.dashboard.admin;

import static dev.racetrack.dashboard.web.Web.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.dashboard.session.Login;
import dev.racetrack.dashboard.web.PageRoutes;
import dev.racetrack.dashboard.web.Web;
import dev.racetrack.dashboard.web.WebException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * Plugins in the administration panel (staff only; lifecycle checks every call too): the installed
 * plugins with their version, category and components, a plugin's docs, install by upload (with
 * "replace on upload"), a plugin's admin action with its result, and uninstall after a confirmation
 * naming the plugin. Uses lifecycle's plugin list, upload, run, delete and docs endpoints.
 */
public final class PluginPages implements PageRoutes {
  private final Web web;
  private final Parser parser = Parser.builder().build();
  private final HtmlRenderer renderer =
      HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();

  public PluginPages(Web web) {
    this.web = web;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(Web.BASE + "/admin/plugins", this::list);
    routes.post(Web.BASE + "/admin/plugins/upload", this::upload);
    routes.get(Web.BASE + "/admin/plugins/{name}/docs", this::docs);
    routes.post(Web.BASE + "/admin/plugins/{name}/run", this::run);
    routes.get(Web.BASE + "/admin/plugins/{name}/{version}/delete", this::confirmDelete);
    routes.post(Web.BASE + "/admin/plugins/{name}/{version}/delete", this::delete);
  }

  private void list(Context ctx) {
    Login login = AdminRoutes.staff(web, ctx);
    render(
        ctx,
        login,
        Web.query(ctx, "installed")
            .map(p -> "Installed " + p + ".")
            .or(() -> Web.query(ctx, "uninstalled").map(p -> "Uninstalled " + p + "."))
            .orElse(""));
  }

  private void render(Context ctx, Login login, String message) {
    JsonNode plugins = web.lifecycle().get(login.token(), "/api/v1/plugin");
    web.render(
        ctx,
        "admin_plugins.jte",
        "Plugins",
        "admin",
        Map.of("plugins", plugins, "message", message));
  }

  /** Runs a plugin's admin action and shows what it answered (as text, escaped by the page). */
  private void run(Context ctx) {
    Login login = AdminRoutes.staff(web, ctx);
    String name = ctx.pathParam("name");
    JsonNode result =
        web.lifecycle().post(login.token(), "/api/v1/plugin/" + seg(name) + "/run", Map.of());
    render(
        ctx,
        login,
        "Admin action of "
            + name
            + ": "
            + (result.isTextual() ? result.asText() : result.toString()));
  }

  private void upload(Context ctx) {
    Login login = AdminRoutes.staff(web, ctx);
    UploadedFile file = ctx.uploadedFile("file");
    if (file == null || file.size() == 0) {
      throw new WebException(400, "choose the plugin's .zip file to upload");
    }
    String filename = Optional.ofNullable(file.filename()).orElse("");
    if (!filename.toLowerCase(Locale.ROOT).endsWith(".zip")) {
      throw new WebException(400, "a plugin is uploaded as a .zip file, got '" + filename + "'");
    }
    boolean replace = ctx.formParam("replace") != null;
    byte[] zip;
    try (InputStream in = file.content()) {
      zip = in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("reading the uploaded plugin failed", e);
    }
    JsonNode installed =
        web.lifecycle()
            .postBytes(
                login.token(),
                "/api/v1/plugin/upload/" + seg(filename) + "?replace=" + (replace ? 1 : 0),
                zip,
                "application/zip");
    Web.seeOther(
        ctx,
        "/admin/plugins?installed="
            + seg(installed.path("name").asText() + " " + installed.path("version").asText()));
  }

  private void docs(Context ctx) {
    Login login = AdminRoutes.staff(web, ctx);
    String name = ctx.pathParam("name");
    JsonNode docs = web.lifecycle().get(login.token(), "/api/v1/plugin/" + seg(name) + "/docs");
    String markdown = docs.isTextual() ? docs.asText() : "This plugin has no documentation.";
    web.render(
        ctx,
        "admin_plugin_docs.jte",
        "Docs of plugin " + name,
        "admin",
        Map.of("name", name, "html", renderer.render(parser.parse(markdown))));
  }

  private void confirmDelete(Context ctx) {
    AdminRoutes.staff(web, ctx);
    web.render(
        ctx,
        "admin_plugin_delete.jte",
        "Uninstall plugin " + ctx.pathParam("name"),
        "admin",
        Map.of("name", ctx.pathParam("name"), "version", ctx.pathParam("version")));
  }

  private void delete(Context ctx) {
    Login login = AdminRoutes.staff(web, ctx);
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    web.lifecycle().delete(login.token(), "/api/v1/plugin/" + seg(name) + "/" + seg(version));
    Web.seeOther(ctx, "/admin/plugins?uninstalled=" + seg(name + " " + version));
  }
}
