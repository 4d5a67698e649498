package dev.racetrack.dashboard.admin;

import static dev.racetrack.dashboard.web.Web.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.dashboard.session.Login;
import dev.racetrack.dashboard.web.PageRoutes;
import dev.racetrack.dashboard.web.Web;
import dev.racetrack.dashboard.web.WebException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** ESCs (staff): list and create, and each ESC's page with its caller token and tokens. */
public final class EscPages implements PageRoutes {
  private final Web web;

  public EscPages(Web web) {
    this.web = web;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(Web.BASE + "/admin/escs", this::list);
    routes.post(Web.BASE + "/admin/escs", this::create);
    routes.get(Web.BASE + "/admin/escs/{id}", this::esc);
    routes.post(Web.BASE + "/admin/escs/{id}/tokens", this::newToken);
    routes.post(Web.BASE + "/admin/escs/{id}/tokens/{tokenId}/revoke", this::revokeToken);
    routes.post(Web.BASE + "/admin/escs/{id}/reset", this::reset);
  }

  private void list(Context ctx) {
    Login login = AdminRoutes.staff(web, ctx);
    web.render(
        ctx,
        "admin_escs.jte",
        "ESCs",
        "admin",
        Map.of("escs", web.lifecycle().get(login.token(), "/api/v1/escs")));
  }

  private void create(Context ctx) {
    Login login = AdminRoutes.staff(web, ctx);
    JsonNode esc =
        web.lifecycle().post(login.token(), "/api/v1/escs", Map.of("name", Web.form(ctx, "name")));
    Web.seeOther(ctx, "/admin/escs/" + seg(esc.path("id").asText()));
  }

  private void esc(Context ctx) {
    show(ctx, Web.query(ctx, "reset").filter("true"::equals).map(r -> RESET_DONE));
  }

  private static final String RESET_DONE =
      "The ESC's token was reset: give its developers the new caller token.";

  private void show(Context ctx, Optional<String> message) {
    Login login = AdminRoutes.staff(web, ctx);
    String id = ctx.pathParam("id");
    JsonNode data = web.lifecycle().get(login.token(), "/api/v1/escs/" + seg(id) + "/auth_data");
    String caller =
        web.lifecycle()
            .get(login.token(), "/api/v1/auth/token/esc/" + seg(id))
            .path("token")
            .asText();
    Map<String, Object> params = new HashMap<>();
    params.put("esc", data);
    params.put("callerToken", caller);
    params.put("message", message);
    web.render(ctx, "admin_esc.jte", "ESC " + data.path("name").asText(), "admin", params);
  }

  private void newToken(Context ctx) {
    Login login = AdminRoutes.staff(web, ctx);
    Map<String, Object> body = new LinkedHashMap<>();
    Web.optionalForm(ctx, "expiry").ifPresent(d -> body.put("expiry_time", expiry(d)));
    web.lifecycle()
        .post(login.token(), "/api/v1/escs/" + seg(ctx.pathParam("id")) + "/auth_token", body);
    Web.seeOther(ctx, "/admin/escs/" + seg(ctx.pathParam("id")));
  }

  /** The form's date as lifecycle's {@code expiry_time}: its midnight UTC, after today. */
  private static long expiry(String date) {
    LocalDate day;
    try {
      day = LocalDate.parse(date);
    } catch (DateTimeParseException e) {
      throw new WebException(400, "expiry must be a date like 2027-01-31, got '" + date + "'");
    }
    if (!day.isAfter(LocalDate.now(ZoneOffset.UTC))) {
      // lifecycle would say "expiry_time must be in the future", a field this form does not show
      throw new WebException(
          400,
          "expiry must be a date after today (UTC; the token expires at its midnight), got '"
              + date
              + "'");
    }
    return day.atStartOfDay().toEpochSecond(ZoneOffset.UTC);
  }

  private void revokeToken(Context ctx) {
    Login login = AdminRoutes.staff(web, ctx);
    String id = ctx.pathParam("id");
    web.lifecycle()
        .delete(
            login.token(),
            "/api/v1/escs/" + seg(id) + "/auth_token/" + seg(ctx.pathParam("tokenId")));
    Web.seeOther(ctx, "/admin/escs/" + seg(id));
  }

  /** Resets the ESC's token: every token revoked, a new one made (a stolen one stops working). */
  private void reset(Context ctx) {
    Login login = AdminRoutes.staff(web, ctx);
    String id = ctx.pathParam("id");
    JsonNode data = web.lifecycle().get(login.token(), "/api/v1/escs/" + seg(id) + "/auth_data");
    web.lifecycle().post(login.token(), "/api/v1/escs/" + seg(id) + "/auth_token", Map.of());
    for (JsonNode token : data.path("tokens")) {
      if (token.path("active").asBoolean(true)) {
        web.lifecycle()
            .delete(
                login.token(),
                "/api/v1/escs/" + seg(id) + "/auth_token/" + seg(token.path("id").asText()));
      }
    }
    // redirected: reloading the page that says so must not reset the token again
    Web.seeOther(ctx, "/admin/escs/" + seg(id) + "?reset=true");
  }
}
