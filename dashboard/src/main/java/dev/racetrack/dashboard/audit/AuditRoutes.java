package dev.racetrack.dashboard.audit;

import static dev.racetrack.dashboard.web.Web.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.dashboard.web.PageRoutes;
import dev.racetrack.dashboard.web.Web;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The audit log: explanations, time ago, filters (related to me, job family, version), paging. */
public final class AuditRoutes implements PageRoutes {
  private static final String NEXT_CURSOR = "X-Racetrack-Next-Cursor";
  private final Web web;

  public AuditRoutes(Web web, Clock clock) {
    this.web = web;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(Web.BASE + "/audit", this::audit);
  }

  private void audit(Context ctx) {
    boolean mine = Web.query(ctx, "mine").isPresent();
    Optional<String> job = Web.query(ctx, "job");
    Optional<String> version = Web.query(ctx, "version").filter(v -> job.isPresent());
    StringBuilder path = new StringBuilder("/api/v1/audit/");
    path.append(mine ? "user_events" : "events");
    job.ifPresent(j -> path.append("/job/").append(seg(j)));
    version.ifPresent(v -> path.append('/').append(seg(v)));
    path.append("?limit=50");
    Web.query(ctx, "cursor").ifPresent(c -> path.append("&cursor=").append(seg(c)));
    HttpResponse<String> response = web.lifecycle().getRaw(web.token(ctx), path.toString());
    JsonNode events = parse(response.body());
    Map<String, Object> params = new HashMap<>();
    params.put("events", events);
    params.put("mine", mine);
    params.put("job", job.orElse(""));
    params.put("version", version.orElse(""));
    params.put("next", response.headers().firstValue(NEXT_CURSOR));
    web.render(ctx, "audit.jte", "Audit log", "audit", params);
  }

  private static JsonNode parse(String body) {
    try {
      return dev.racetrack.model.Json.mapper().readTree(body);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
