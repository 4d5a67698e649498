package dev.racetrack.lifecycle.plugin;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.http.JsonBodies;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.PayloadTooLargeException;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The plugin endpoints of §3.9. Staff only: the list of bundles, the plugin tree, upload (multipart
 * field {@code file}, or the raw ZIP as body), replace, delete, configuration, download and admin
 * actions. Any authenticated caller: the job type versions and infrastructure targets a manifest
 * can name, and a plugin's docs.
 */
public final class PluginRoutes implements Routes {
  private final PluginCatalog catalog;
  private final PluginLibrary library;
  private final RequestAuth auth;
  private final long maxUploadBytes;

  public PluginRoutes(
      PluginCatalog catalog, PluginLibrary library, RequestAuth auth, long maxUploadBytes) {
    this.catalog = catalog;
    this.library = library;
    this.auth = auth;
    this.maxUploadBytes = maxUploadBytes;
  }

  record ConfigBody(String configData) {}

  @Override
  public void register(RouteTable routes) {
    routes.get("/api/v1/plugin", this::list);
    routes.get("/api/v1/plugin/job_type/versions", this::jobTypeVersions);
    routes.get("/api/v1/plugin/infrastructure_targets", this::infrastructureTargets);
    routes.get("/api/v1/plugin/tree", this::tree);
    routes.post("/api/v1/plugin/upload", this::uploadMultipart);
    routes.post("/api/v1/plugin/upload/{filename}", this::uploadRaw);
    routes.delete("/api/v1/plugin/all", this::deleteAll);
    routes.delete("/api/v1/plugin/{name}/{version}", this::delete);
    routes.get("/api/v1/plugin/{name}/{version}/config", this::config);
    routes.put("/api/v1/plugin/{name}/{version}/config", this::writeConfig);
    routes.get("/api/v1/plugin/{name}/{version}/download", this::download);
    routes.get("/api/v1/plugin/{name}/docs", this::docs);
    routes.post("/api/v1/plugin/{name}/run", this::run);
  }

  /** Built-in job types and targets (with {@code built_in: true}) and the installed bundles. */
  private void list(Context ctx) {
    library.requireStaff(auth.caller(ctx));
    ctx.json(catalog.plugins());
  }

  private void jobTypeVersions(Context ctx) {
    auth.caller(ctx);
    ctx.json(catalog.jobTypeKeys());
  }

  /** {@code {target: manifest of the plugin it comes from}} (§3.9). */
  private void infrastructureTargets(Context ctx) {
    auth.caller(ctx);
    ctx.json(catalog.infrastructureTargets());
  }

  /** The plugins with their job types and targets and how many jobs use each (§3.9). */
  private void tree(Context ctx) {
    library.requireStaff(auth.caller(ctx));
    ctx.json(catalog.tree());
  }

  private void uploadMultipart(Context ctx) {
    Caller caller = auth.caller(ctx);
    UploadedFile file = ctx.uploadedFile("file");
    if (file == null) {
      throw new ValidationException("multipart field 'file' (the plugin .zip) is missing");
    }
    checkZipName(file.filename());
    try (InputStream in = file.content()) {
      install(ctx, caller, in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the uploaded plugin failed", e);
    }
  }

  private void uploadRaw(Context ctx) {
    Caller caller = auth.caller(ctx);
    checkZipName(ctx.pathParam("filename"));
    try (InputStream in = ctx.req().getInputStream()) {
      install(ctx, caller, in);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the uploaded plugin failed", e);
    }
  }

  private static void checkZipName(String filename) {
    if (filename == null || !filename.toLowerCase(java.util.Locale.ROOT).endsWith(".zip")) {
      throw new ValidationException("a plugin is uploaded as a .zip file, got '" + filename + "'");
    }
  }

  private void install(Context ctx, Caller caller, InputStream body) throws IOException {
    Path upload = Files.createTempFile("racetrack-plugin-", ".zip");
    try {
      try (OutputStream out = Files.newOutputStream(upload)) {
        byte[] buffer = new byte[64 << 10];
        long total = 0;
        int n;
        while ((n = body.read(buffer)) > 0) {
          total += n;
          if (total > maxUploadBytes) {
            throw new PayloadTooLargeException(
                "the plugin bundle is larger than " + maxUploadBytes + " bytes");
          }
          out.write(buffer, 0, n);
        }
      }
      boolean replace = truthy(ctx.queryParam("replace"));
      ctx.json(PluginLibrary.view(library.install(caller, upload, replace)));
    } finally {
      Files.deleteIfExists(upload);
    }
  }

  private static boolean truthy(String value) {
    return value != null
        && List.of("1", "true", "yes").contains(value.toLowerCase(java.util.Locale.ROOT));
  }

  private void delete(Context ctx) {
    Caller caller = auth.caller(ctx);
    ctx.json(
        PluginLibrary.view(
            library.uninstall(caller, ctx.pathParam("name"), ctx.pathParam("version"))));
  }

  private void deleteAll(Context ctx) {
    Caller caller = auth.caller(ctx);
    ctx.json(library.uninstallAll(caller).stream().map(PluginLibrary::view).toList());
  }

  private void config(Context ctx) {
    Caller caller = auth.caller(ctx);
    String yaml = library.config(caller, ctx.pathParam("name"), ctx.pathParam("version"));
    ctx.contentType("application/json").result(Json.write(yaml)); // a JSON string, as in §3.9
  }

  private void writeConfig(Context ctx) {
    Caller caller = auth.caller(ctx);
    ConfigBody body = JsonBodies.read(ctx, ConfigBody.class);
    if (body.configData() == null) {
      throw new ValidationException("config_data (the YAML text) is required");
    }
    library.writeConfig(caller, ctx.pathParam("name"), ctx.pathParam("version"), body.configData());
    ctx.json(Map.of("config_data", body.configData()));
  }

  private void download(Context ctx) throws IOException {
    Path zip = library.download(auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version"));
    ctx.contentType("application/zip")
        .header("Content-Disposition", "attachment; filename=\"" + zip.getFileName() + "\"")
        .result(Files.readAllBytes(zip));
  }

  private void docs(Context ctx) {
    auth.caller(ctx);
    ctx.contentType("application/json")
        .result(Json.write(library.docs(ctx.pathParam("name")).orElse(null)));
  }

  private void run(Context ctx) {
    Caller caller = auth.caller(ctx);
    String text = JsonBodies.body(ctx);
    Map<String, Object> arguments = new LinkedHashMap<>();
    if (!text.isBlank()) {
      try {
        arguments.putAll(
            Json.mapper().readValue(text, new TypeReference<Map<String, Object>>() {}));
      } catch (IOException e) {
        throw new ValidationException("the body of an admin action should be a JSON object");
      }
    }
    ctx.queryParamMap().forEach((k, v) -> arguments.put(k, v.size() == 1 ? v.getFirst() : v));
    Object result = library.run(caller, ctx.pathParam("name"), arguments);
    ctx.contentType("application/json").result(Json.write(result));
  }
}
