package dev.racetrack.dashboard.web;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Static files: the dashboard's own CSS and scripts, the front-end libraries from their webjars (no
 * CDN) and the site colour as a style sheet (the CSP allows no inline styles).
 */
public final class Assets implements PageRoutes {
  private static final String WEBJARS = "META-INF/resources/webjars/";
  private static final Map<String, String> LIBRARIES =
      Map.of(
          "htmx.min.js", WEBJARS + "htmx.org/2.0.7/dist/htmx.min.js",
          "sse.js", WEBJARS + "htmx-ext-sse/2.2.2/sse.js",
          "cytoscape.min.js", WEBJARS + "cytoscape/3.33.1/dist/cytoscape.min.js");
  private static final Map<String, String> OWN =
      Map.of(
          "dashboard.css", "text/css; charset=utf-8",
          "dashboard.js", "text/javascript; charset=utf-8",
          "graph.js", "text/javascript; charset=utf-8");

  private final String siteCss;

  public Assets(String siteColour) {
    this.siteCss = ":root { --site: " + siteColour + "; }\n";
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(Web.BASE + "/site.css", ctx -> ctx.contentType("text/css").result(siteCss));
    routes.get(Web.BASE + "/assets/{file}", this::library);
    routes.get(Web.BASE + "/static/{file}", this::own);
  }

  private void library(Context ctx) {
    String resource = LIBRARIES.get(ctx.pathParam("file"));
    if (resource == null) {
      ctx.status(404).result("no such asset");
      return;
    }
    serve(ctx, resource, "text/javascript; charset=utf-8");
  }

  private void own(Context ctx) {
    String type = OWN.get(ctx.pathParam("file"));
    if (type == null) {
      ctx.status(404).result("no such file");
      return;
    }
    serve(ctx, "dashboard-static/" + ctx.pathParam("file"), type);
  }

  private static void serve(Context ctx, String resource, String type) {
    try (InputStream in = Assets.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        ctx.status(404).result("missing resource " + resource);
        return;
      }
      ctx.header("Cache-Control", "public, max-age=3600");
      ctx.contentType(type).result(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
