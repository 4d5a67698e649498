package dev.racetrack.dashboard.audit;

import static dev.racetrack.dashboard.web.Web.seg;

import dev.racetrack.dashboard.lifecycle.LifecycleClient;
import dev.racetrack.dashboard.web.PageRoutes;
import dev.racetrack.dashboard.web.Web;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The audit log: explanations, time ago, filters (related to me, job family, version), paging. */
public final class AuditRoutes implements PageRoutes {
  /** Events a page shows (or the {@code limit} asked for, up to this). */
  static final int PAGE = 50;

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
    Optional<String> typedVersion = Web.query(ctx, "version");
    Optional<String> version = typedVersion.filter(v -> job.isPresent());
    StringBuilder path = new StringBuilder("/api/v1/audit/");
    path.append(mine ? "user_events" : "events");
    job.ifPresent(j -> path.append("/job/").append(seg(j)));
    version.ifPresent(v -> path.append('/').append(seg(v)));
    int limit = Web.limit(ctx, PAGE);
    path.append("?limit=").append(limit);
    Web.query(ctx, "cursor").ifPresent(c -> path.append("&cursor=").append(seg(c)));
    LifecycleClient.ArrayPage page = web.lifecycle().getPage(web.token(ctx), path.toString());
    Map<String, Object> params = new HashMap<>();
    params.put("events", page.items());
    params.put("mine", mine);
    params.put("job", job.orElse(""));
    params.put("version", typedVersion.orElse(""));
    params.put(
        "notice",
        typedVersion
            .filter(v -> job.isEmpty())
            .map(
                v ->
                    "Version "
                        + v
                        + " is not applied: a version filters only with its job family (give"
                        + " both). Showing events of every job."));
    params.put("next", page.next());
    params.put("limit", limit == PAGE ? "" : Integer.toString(limit));
    web.render(ctx, "audit.jte", "Audit log", "audit", params);
  }
}
