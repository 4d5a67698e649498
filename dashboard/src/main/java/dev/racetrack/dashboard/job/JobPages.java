package dev.racetrack.dashboard.job;

import static dev.racetrack.dashboard.web.Web.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.dashboard.lifecycle.LifecycleException;
import dev.racetrack.dashboard.web.PageRoutes;
import dev.racetrack.dashboard.web.Web;
import dev.racetrack.dashboard.web.WebException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The jobs page (grouped by family, filter, sort, live status), a job's page (links, actions,
 * manifest edit) and the delete confirmation.
 */
public final class JobPages implements PageRoutes {
  static final Set<String> SORTS = Set.of("name", "newest", "status");
  private final Web web;

  public JobPages(Web web) {
    this.web = web;
  }

  /** One family: a job name and its versions, newest first as lifecycle sorted them. */
  public record Family(String name, List<JsonNode> versions) {}

  @Override
  public void register(RoutesConfig routes) {
    routes.get(Web.BASE + "/jobs", ctx -> list(ctx, false));
    routes.get(Web.BASE + "/jobs/table", ctx -> list(ctx, true));
    routes.get(Web.BASE + "/jobs/{name}/{version}", this::job);
    routes.post(Web.BASE + "/jobs/{name}/{version}/redeploy", ctx -> deployment(ctx, "redeploy"));
    routes.post(
        Web.BASE + "/jobs/{name}/{version}/reprovision", ctx -> deployment(ctx, "reprovision"));
    routes.get(Web.BASE + "/jobs/{name}/{version}/delete", this::confirmDelete);
    routes.post(Web.BASE + "/jobs/{name}/{version}/delete", this::delete);
    routes.post(Web.BASE + "/jobs/{name}/{version}/manifest", this::saveManifest);
  }

  private void list(Context ctx, boolean fragment) {
    String filter = Web.query(ctx, "q").orElse("");
    String sort = Web.query(ctx, "sort").filter(SORTS::contains).orElse("name");
    StringBuilder path = new StringBuilder("/api/v1/job?limit=100&sort=" + sort);
    if (!filter.isEmpty()) {
      path.append("&q=").append(seg(filter));
    }
    Web.query(ctx, "cursor").ifPresent(c -> path.append("&cursor=").append(seg(c)));
    JsonNode page;
    Optional<String> error = Optional.empty();
    try {
      page = web.lifecycle().get(web.token(ctx), path.toString());
    } catch (LifecycleException e) {
      if (e.status() != 400) {
        throw e;
      }
      page = dev.racetrack.model.Json.mapper().createObjectNode();
      error = Optional.of(e.getMessage());
    }
    Map<String, Object> params = new HashMap<>();
    params.put("families", families(page.path("items")));
    params.put("total", page.path("total").asLong(0));
    params.put("next", Optional.ofNullable(page.path("next_cursor").textValue()));
    params.put("q", filter);
    params.put("sort", sort);
    params.put("error", error);
    params.put("pubUrl", web.config().pubUrl());
    if (fragment) {
      web.fragment(ctx, "jobs_table.jte", params);
    } else {
      web.render(ctx, "jobs.jte", "Jobs", "jobs", params);
    }
  }

  static List<Family> families(JsonNode items) {
    Map<String, List<JsonNode>> byName = new LinkedHashMap<>();
    for (JsonNode job : items) {
      byName.computeIfAbsent(job.path("name").asText(), n -> new ArrayList<>()).add(job);
    }
    return byName.entrySet().stream().map(e -> new Family(e.getKey(), e.getValue())).toList();
  }

  private void job(Context ctx) {
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    JsonNode job = web.lifecycle().get(web.token(ctx), jobPath(name, version));
    show(ctx, job, Optional.empty(), Optional.empty(), Optional.empty());
  }

  private void show(
      Context ctx,
      JsonNode job,
      Optional<String> message,
      Optional<String> error,
      Optional<String> draft) {
    Map<String, Object> params = new HashMap<>();
    params.put("job", job);
    params.put("jobUrl", JobLinks.url(job, web.config().pubUrl()));
    params.put("homePage", JobLinks.homePage(job));
    params.put("grafana", JobFacts.grafana(job, web.config().grafanaUrl()));
    params.put("stats", JobFacts.stats(job));
    params.put("message", message);
    params.put("error", error);
    params.put("manifest", draft.orElse(job.path("manifest_yaml").asText("")));
    web.render(
        ctx,
        "job.jte",
        job.path("name").asText() + " " + job.path("version").asText(),
        "jobs",
        params);
  }

  private void deployment(Context ctx, String action) {
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    JsonNode started =
        web.lifecycle().post(web.token(ctx), jobPath(name, version) + "/" + action, Map.of());
    Web.seeOther(ctx, "/deployments?started=" + seg(started.path("id").asText()));
  }

  private void confirmDelete(Context ctx) {
    JsonNode job =
        web.lifecycle()
            .get(web.token(ctx), jobPath(ctx.pathParam("name"), ctx.pathParam("version")));
    web.render(
        ctx, "job_delete.jte", "Delete " + job.path("name").asText(), "jobs", Map.of("job", job));
  }

  private void delete(Context ctx) {
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    if (!name.equals(Web.optionalForm(ctx, "confirm_name").orElse(""))) {
      throw new WebException(400, "type the job's name, " + name + ", to confirm its deletion");
    }
    web.lifecycle().delete(web.token(ctx), jobPath(name, version));
    Web.seeOther(ctx, "/jobs?deleted=" + seg(name));
  }

  private void saveManifest(Context ctx) {
    String name = ctx.pathParam("name");
    String version = ctx.pathParam("version");
    String yaml = Optional.ofNullable(ctx.formParam("manifest_yaml")).orElse("");
    String token = web.token(ctx);
    try {
      web.lifecycle()
          .put(token, jobPath(name, version) + "/manifest", Map.of("manifest_yaml", yaml));
    } catch (LifecycleException e) {
      if (e.status() != 400) {
        throw e;
      }
      ctx.status(400);
      show(
          ctx,
          web.lifecycle().get(token, jobPath(name, version)),
          Optional.empty(),
          Optional.of(e.getMessage()),
          Optional.of(yaml));
      return;
    }
    if ("redeploy".equals(ctx.formParam("then"))) {
      deployment(ctx, "redeploy");
      return;
    }
    show(
        ctx,
        web.lifecycle().get(token, jobPath(name, version)),
        Optional.of("Manifest saved. It takes effect at the next redeploy."),
        Optional.empty(),
        Optional.empty());
  }

  static String jobPath(String name, String version) {
    return "/api/v1/job/" + seg(name) + "/" + seg(version);
  }
}
