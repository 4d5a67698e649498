package dev.racetrack.lifecycle.portfolio;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.RequestAuth;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /api/v1/job/portfolio}: every query parameter named after a column is that column's
 * filter (e.g. purge_score with the value {@code >=10}); {@code q} filters across all columns.
 */
public final class PortfolioRoutes implements Routes {
  private final Portfolio portfolio;
  private final RequestAuth auth;

  public PortfolioRoutes(Portfolio portfolio, RequestAuth auth) {
    this.portfolio = portfolio;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get("/api/v1/job/portfolio", this::list);
  }

  private void list(Context ctx) {
    var caller = auth.caller(ctx);
    Map<String, String> filters = new LinkedHashMap<>();
    ctx.queryParamMap()
        .forEach(
            (name, values) -> {
              List<String> nonBlank = values.stream().filter(v -> !v.isBlank()).toList();
              if (!nonBlank.isEmpty()) {
                filters.put(name, String.join("&&", nonBlank));
              }
            });
    ctx.json(portfolio.list(caller, filters));
  }
}
