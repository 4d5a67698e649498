package dev.racetrack.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.SwaggerUiAssets;
import dev.racetrack.model.error.NotFoundException;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API's own documentation: an OpenAPI document generated from the registered routes (with the
 * {@code X-Racetrack-Auth} security scheme, so Swagger UI offers an Authorize button) and a Swagger
 * UI page at the base path, its assets served from the webjar (no CDN).
 */
final class ApiDocs {
  private static final Pattern PARAM = Pattern.compile("[{<]([A-Za-z_][A-Za-z0-9_]*)[}>]");
  private final String title;
  private final String version;
  private final SwaggerUiAssets assets = new SwaggerUiAssets();

  ApiDocs(String title, String version) {
    this.title = title;
    this.version = version;
  }

  /** Adds the documentation routes; call after every feature registered its routes. */
  void register(RouteTable table) {
    List<RouteTable.Route> documented = table.registered();
    String document = Json.write(document(documented, table.publicBasePath()));
    table.get("/openapi.json", ctx -> ctx.contentType("application/json").result(document));
    table.get("/", ctx -> ctx.contentType("text/html; charset=utf-8").result(page(ctx)));
    table.get("/swagger-ui/{file}", this::asset);
  }

  private ObjectNode document(List<RouteTable.Route> routes, String basePath) {
    ObjectNode root = Json.mapper().createObjectNode();
    root.put("openapi", "3.0.3");
    root.putObject("info").put("title", title).put("version", version);
    root.putArray("servers").addObject().put("url", basePath.isEmpty() ? "/" : basePath);
    root.putObject("components")
        .putObject("securitySchemes")
        .putObject("racetrackAuth")
        .put("type", "apiKey")
        .put("in", "header")
        .put("name", "X-Racetrack-Auth");
    root.putArray("security").addObject().putArray("racetrackAuth");
    ObjectNode paths = root.putObject("paths");
    for (RouteTable.Route route : routes) {
      String path = PARAM.matcher(route.path()).replaceAll("{$1}");
      ObjectNode item = paths.has(path) ? (ObjectNode) paths.get(path) : paths.putObject(path);
      ObjectNode operation = item.putObject(route.method());
      operation.put("summary", route.method().toUpperCase(Locale.ROOT) + " " + path);
      operation.putArray("tags").add(tag(path));
      ArrayNode parameters = operation.putArray("parameters");
      Matcher m = PARAM.matcher(route.path());
      while (m.find()) {
        parameters
            .addObject()
            .put("name", m.group(1))
            .put("in", "path")
            .put("required", true)
            .putObject("schema")
            .put("type", "string");
      }
      if (route.method().equals("post") || route.method().equals("put")) {
        operation
            .putObject("requestBody")
            .putObject("content")
            .putObject("application/json")
            .putObject("schema")
            .put("type", "object");
      }
      ObjectNode responses = operation.putObject("responses");
      responses.putObject("200").put("description", "OK");
      responses.putObject("default").put("description", "Error: {\"error\": ..., \"type\": ...}");
    }
    return root;
  }

  private static String tag(String path) {
    String[] parts = path.split("/");
    return path.startsWith("/api/v1/") && parts.length > 3 ? parts[3] : "probes";
  }

  private String page(Context ctx) {
    String base =
        ctx.path().endsWith("/") ? "" : ctx.path().substring(ctx.path().lastIndexOf('/') + 1) + "/";
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>%s API</title>
        <link rel="stylesheet" href="%sswagger-ui/swagger-ui.css"></head>
        <body><div id="swagger-ui"></div>
        <script src="%sswagger-ui/swagger-ui-bundle.js"></script>
        <script>window.ui = SwaggerUIBundle({url: "%sopenapi.json", dom_id: "#swagger-ui", persistAuthorization: true});</script>
        </body></html>
        """
        .formatted(title, base, base, base);
  }

  private void asset(Context ctx) {
    String name = ctx.pathParam("file");
    SwaggerUiAssets.Asset asset =
        assets.find(name).orElseThrow(() -> new NotFoundException("Not found: " + name));
    ctx.contentType(asset.contentType())
        .header("Cache-Control", "public, max-age=86400")
        .result(asset.bytes());
  }
}
