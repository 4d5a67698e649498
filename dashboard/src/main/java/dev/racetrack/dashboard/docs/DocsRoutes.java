package dev.racetrack.dashboard.docs;

import dev.racetrack.dashboard.web.PageRoutes;
import dev.racetrack.dashboard.web.Web;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;

/**
 * The user and admin guides, rendered from the Markdown files packaged with the dashboard. Raw HTML
 * in them is escaped, not passed through.
 */
public final class DocsRoutes implements PageRoutes {
  public static final Map<String, String> PAGES = pages();
  private final Web web;
  private final Parser parser = Parser.builder().build();
  private final HtmlRenderer renderer =
      HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();

  public DocsRoutes(Web web) {
    this.web = web;
  }

  private static Map<String, String> pages() {
    Map<String, String> pages = new LinkedHashMap<>();
    pages.put("user-guide", "User guide");
    pages.put("admin", "Administration");
    pages.put("job-contract", "Job contract");
    pages.put("configuration", "Configuration");
    pages.put("portfolio", "Portfolio");
    return pages;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(Web.BASE + "/docs", ctx -> page(ctx, "user-guide"));
    routes.get(Web.BASE + "/docs/{page}", ctx -> page(ctx, ctx.pathParam("page")));
  }

  private void page(Context ctx, String name) {
    web.login(ctx);
    String key = name.endsWith(".md") ? name.substring(0, name.length() - 3) : name;
    if (!PAGES.containsKey(key)) {
      ctx.status(404);
      key = "user-guide";
    }
    String html = renderer.render(parser.parse(read(key)));
    web.render(
        ctx,
        "docs.jte",
        PAGES.get(key),
        "docs",
        Map.of("pages", PAGES, "current", key, "html", html));
  }

  private static String read(String key) {
    try (InputStream in =
        DocsRoutes.class.getClassLoader().getResourceAsStream("dashboard-docs/" + key + ".md")) {
      return in == null
          ? "This page is not packaged with this dashboard."
          : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
