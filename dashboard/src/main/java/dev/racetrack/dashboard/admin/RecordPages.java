package dev.racetrack.dashboard.admin;

import static dev.racetrack.dashboard.web.Web.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.dashboard.session.Login;
import dev.racetrack.dashboard.web.PageRoutes;
import dev.racetrack.dashboard.web.Web;
import dev.racetrack.dashboard.web.WebException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The read-only record browser (staff), over lifecycle's {@code /api/v1/records}. */
public final class RecordPages implements PageRoutes {
  private static final int PAGE = 50;
  private final Web web;

  public RecordPages(Web web) {
    this.web = web;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(Web.BASE + "/admin/records", ctx -> page(ctx, "users"));
    routes.get(Web.BASE + "/admin/records/{type}", ctx -> page(ctx, ctx.pathParam("type")));
  }

  private void page(Context ctx, String type) {
    Login login = AdminRoutes.staff(web, ctx);
    int offset;
    try {
      offset = Math.max(0, Integer.parseInt(Web.query(ctx, "offset").orElse("0")));
    } catch (NumberFormatException e) {
      throw new WebException(400, "offset must be a whole number");
    }
    JsonNode types = web.lifecycle().get(login.token(), "/api/v1/records").path("types");
    JsonNode page =
        web.lifecycle()
            .get(
                login.token(),
                "/api/v1/records/" + seg(type) + "?limit=" + PAGE + "&offset=" + offset);
    List<String> columns = new ArrayList<>();
    if (!page.path("rows").isEmpty()) {
      page.path("rows").get(0).fieldNames().forEachRemaining(columns::add);
    }
    Map<String, Object> params = new HashMap<>();
    params.put("types", types);
    params.put("type", type);
    params.put("columns", columns);
    params.put("rows", page.path("rows"));
    params.put("total", page.path("total").asLong());
    params.put("offset", offset);
    params.put("limit", PAGE);
    web.render(ctx, "admin_records.jte", "Records: " + type, "admin", params);
  }
}
