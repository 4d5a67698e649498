package dev.racetrack.dashboard.job;

import static dev.racetrack.dashboard.web.Web.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.dashboard.lifecycle.LifecycleClient;
import dev.racetrack.dashboard.lifecycle.LifecycleException;
import dev.racetrack.dashboard.web.PageRoutes;
import dev.racetrack.dashboard.web.Web;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Deployments history, the portfolio table (column filters evaluated by lifecycle) and graph. */
public final class ListPages implements PageRoutes {
  /** Portfolio columns: the API's filter name and the heading. */
  public static final Map<String, String> COLUMNS = columns();

  /** Deployments a page of the history shows. */
  static final int DEPLOYMENTS_PAGE = 100;

  private final Web web;

  public ListPages(Web web) {
    this.web = web;
  }

  private static Map<String, String> columns() {
    Map<String, String> columns = new LinkedHashMap<>();
    columns.put("name", "Name");
    columns.put("version", "Version");
    columns.put("status", "Status");
    columns.put("purge_score", "Purge score");
    columns.put("purge_reasons", "Purge reasons");
    columns.put("deployed_by", "Deployed by");
    columns.put("update_time_days_ago", "Updated (days ago)");
    columns.put("last_call_time_days_ago", "Last call (days ago)");
    columns.put("job_type_version", "Job type");
    columns.put("infrastructure_target", "Target");
    return columns;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(Web.BASE + "/deployments", this::deployments);
    routes.get(Web.BASE + "/deployments/table", this::deploymentsTable);
    routes.get(Web.BASE + "/portfolio", this::portfolio);
    routes.get(Web.BASE + "/graph", this::graph);
    routes.get(Web.BASE + "/graph.json", this::graphJson);
  }

  /**
   * The deployments history, newest first, 100 a page (or {@code limit}); "Older deployments"
   * follows lifecycle's cursor. The table of the page shown is swapped in again whenever lifecycle
   * announces a deployment change.
   */
  private void deployments(Context ctx) {
    String cursor = Web.query(ctx, "cursor").orElse("");
    int limit = Web.limit(ctx, DEPLOYMENTS_PAGE);
    LifecycleClient.ArrayPage page = deploymentsPage(ctx, cursor, limit);
    web.render(
        ctx,
        "deployments.jte",
        "Deployments",
        "deployments",
        Map.of(
            "deployments",
            page.items(),
            "started",
            Web.query(ctx, "started").orElse(""),
            "table",
            deploymentsHref("/table", limit, Optional.of(cursor).filter(c -> !c.isEmpty())),
            "newest",
            cursor.isEmpty()
                ? Optional.empty()
                : Optional.of(deploymentsHref("", limit, Optional.empty())),
            "older",
            page.next().map(next -> deploymentsHref("", limit, Optional.of(next)))));
  }

  /** The table alone (of the same page). */
  private void deploymentsTable(Context ctx) {
    LifecycleClient.ArrayPage page =
        deploymentsPage(ctx, Web.query(ctx, "cursor").orElse(""), Web.limit(ctx, DEPLOYMENTS_PAGE));
    web.fragment(ctx, "deployments_table.jte", Map.of("deployments", page.items()));
  }

  /** A link to the deployments page (or its table) of this size from {@code cursor}. */
  static String deploymentsHref(String suffix, int limit, Optional<String> cursor) {
    List<String> query = new ArrayList<>();
    if (limit != DEPLOYMENTS_PAGE) {
      query.add("limit=" + limit);
    }
    cursor.ifPresent(c -> query.add("cursor=" + seg(c)));
    return Web.BASE
        + "/deployments"
        + suffix
        + (query.isEmpty() ? "" : "?" + String.join("&", query));
  }

  private LifecycleClient.ArrayPage deploymentsPage(Context ctx, String cursor, int limit) {
    return web.lifecycle()
        .getPage(
            web.token(ctx),
            "/api/v1/deploy?limit=" + limit + (cursor.isEmpty() ? "" : "&cursor=" + seg(cursor)));
  }

  private void portfolio(Context ctx) {
    Map<String, String> filters = new LinkedHashMap<>();
    StringBuilder path = new StringBuilder("/api/v1/job/portfolio?limit=100&sort=purge_score");
    for (String column : COLUMNS.keySet()) {
      Web.query(ctx, column)
          .ifPresent(
              value -> {
                filters.put(column, value);
                path.append('&').append(column).append('=').append(seg(value));
              });
    }
    Web.query(ctx, "cursor").ifPresent(c -> path.append("&cursor=").append(seg(c)));
    List<String> chosen = new ArrayList<>(ctx.queryParams("col"));
    chosen.retainAll(COLUMNS.keySet());
    List<String> shown =
        chosen.isEmpty()
            ? List.of("name", "version", "status", "purge_score", "purge_reasons", "deployed_by")
            : chosen;
    Map<String, Object> params = new HashMap<>();
    params.put("filters", filters);
    params.put("shown", shown);
    params.put("error", Optional.empty());
    try {
      JsonNode page = web.lifecycle().get(web.token(ctx), path.toString());
      params.put("items", page.path("items"));
      params.put("total", page.path("total").asLong());
      params.put(
          "next",
          Optional.ofNullable(page.path("next_cursor").textValue())
              .map(cursor -> nextPortfolioPage(filters, chosen, cursor)));
    } catch (LifecycleException e) {
      if (e.status() != 400) {
        throw e;
      }
      ctx.status(400);
      params.put("items", dev.racetrack.model.Json.mapper().createArrayNode());
      params.put("total", 0L);
      params.put("next", Optional.empty());
      params.put("error", Optional.of(e.getMessage()));
    }
    web.render(ctx, "portfolio.jte", "Portfolio", "portfolio", params);
  }

  /**
   * The portfolio's next page: the same column filters and chosen columns, from the cursor (a
   * cursor belongs to the query that gave it: without the filters it would page another list).
   */
  static String nextPortfolioPage(
      Map<String, String> filters, List<String> columns, String cursor) {
    StringBuilder href = new StringBuilder("/dashboard/portfolio?");
    filters.forEach(
        (column, value) -> href.append(column).append('=').append(seg(value)).append('&'));
    columns.forEach(column -> href.append("col=").append(seg(column)).append('&'));
    return href.append("cursor=").append(seg(cursor)).toString();
  }

  private void graph(Context ctx) {
    web.login(ctx);
    web.render(ctx, "graph.jte", "Graph", "graph", Map.of());
  }

  private void graphJson(Context ctx) {
    JsonNode graph = web.lifecycle().get(web.token(ctx), "/api/v1/job/graph");
    ctx.contentType("application/json").result(graph.toString());
  }
}
