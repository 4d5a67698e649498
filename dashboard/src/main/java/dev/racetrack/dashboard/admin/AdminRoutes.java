package dev.racetrack.dashboard.admin;

import static dev.racetrack.dashboard.web.Web.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.dashboard.session.Login;
import dev.racetrack.dashboard.web.PageRoutes;
import dev.racetrack.dashboard.web.Web;
import dev.racetrack.dashboard.web.WebException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The administration panel (staff only; lifecycle checks every call too): users, passwords,
 * permissions, maintenance mode and reconciliation.
 */
public final class AdminRoutes implements PageRoutes {
  private final Web web;

  public AdminRoutes(Web web) {
    this.web = web;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(Web.BASE + "/admin", this::overview);
    routes.post(Web.BASE + "/admin/maintenance", this::maintenance);
    routes.post(Web.BASE + "/admin/reconcile", this::reconcile);
    routes.get(Web.BASE + "/admin/users", this::users);
    routes.post(Web.BASE + "/admin/users/{username}", this::saveUser);
    routes.get(Web.BASE + "/admin/users/{username}/password", this::passwordForm);
    routes.post(Web.BASE + "/admin/users/{username}/password", this::setPassword);
    routes.get(Web.BASE + "/admin/permissions", this::permissions);
    routes.post(Web.BASE + "/admin/permissions", this::grant);
    routes.post(Web.BASE + "/admin/permissions/{id}/revoke", this::revoke);
  }

  static Login staff(Web web, Context ctx) {
    Login login = web.login(ctx);
    if (!login.staff()) {
      throw new WebException(403, "the administration panel is for staff users");
    }
    return login;
  }

  private void overview(Context ctx) {
    Login login = staff(web, ctx);
    JsonNode maintenance = web.lifecycle().get(login.token(), "/api/v1/maintenance");
    web.render(
        ctx,
        "admin.jte",
        "Administration",
        "admin",
        Map.of(
            "maintenance",
            maintenance.path("enabled").asBoolean(),
            "message",
            Web.query(ctx, "message").map(AdminRoutes::message).orElse("")));
  }

  private static String message(String key) {
    return switch (key) {
      case "reconciled" -> "Reconciliation started for the jobs found lost.";
      case "maintenance" -> "Maintenance mode switched.";
      default -> "";
    };
  }

  private void maintenance(Context ctx) {
    Login login = staff(web, ctx);
    boolean enabled = "on".equals(ctx.formParam("enabled"));
    web.lifecycle().put(login.token(), "/api/v1/maintenance", Map.of("enabled", enabled));
    Web.seeOther(ctx, "/admin?message=maintenance");
  }

  private void reconcile(Context ctx) {
    Login login = staff(web, ctx);
    web.lifecycle().post(login.token(), "/api/v1/job/all/reconcile", Map.of());
    Web.seeOther(ctx, "/admin?message=reconciled");
  }

  private void users(Context ctx) {
    Login login = staff(web, ctx);
    JsonNode users = web.lifecycle().get(login.token(), "/api/v1/users");
    String filter = Web.query(ctx, "q").orElse("");
    web.render(
        ctx,
        "admin_users.jte",
        "Users",
        "admin",
        Map.of("users", users, "q", filter, "saved", Web.query(ctx, "saved").orElse("")));
  }

  private void saveUser(Context ctx) {
    Login login = staff(web, ctx);
    String username = ctx.pathParam("username");
    Map<String, Object> change = new LinkedHashMap<>();
    change.put("is_active", ctx.formParam("is_active") != null);
    change.put("is_staff", ctx.formParam("is_staff") != null);
    web.lifecycle().put(login.token(), "/api/v1/users/" + seg(username), change);
    Web.seeOther(ctx, "/admin/users?saved=" + seg(username));
  }

  private void passwordForm(Context ctx) {
    staff(web, ctx);
    web.render(
        ctx,
        "admin_password.jte",
        "Change password",
        "admin",
        Map.of("username", ctx.pathParam("username"), "error", Optional.empty()));
  }

  private void setPassword(Context ctx) {
    Login login = staff(web, ctx);
    String username = ctx.pathParam("username");
    String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
    if (!password.equals(Optional.ofNullable(ctx.formParam("password2")).orElse(""))) {
      ctx.status(400);
      web.render(
          ctx,
          "admin_password.jte",
          "Change password",
          "admin",
          Map.of("username", username, "error", Optional.of("the two passwords differ")));
      return;
    }
    web.lifecycle()
        .put(login.token(), "/api/v1/users/" + seg(username), Map.of("password", password));
    Web.seeOther(ctx, "/admin/users?saved=" + seg(username));
  }

  private void permissions(Context ctx) {
    Login login = staff(web, ctx);
    StringBuilder path = new StringBuilder("/api/v1/auth/permissions?");
    Map<String, Object> params = new HashMap<>();
    for (String key : new String[] {"subject", "job_family", "scope"}) {
      String value = Web.query(ctx, key).orElse("");
      params.put(key, value);
      if (!value.isEmpty()) {
        path.append(key).append('=').append(seg(value)).append('&');
      }
    }
    params.put("permissions", web.lifecycle().get(login.token(), path.toString()));
    web.render(ctx, "admin_permissions.jte", "Permissions", "admin", params);
  }

  private void grant(Context ctx) {
    Login login = staff(web, ctx);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("subject_type", Web.form(ctx, "subject_type"));
    body.put("subject", Web.form(ctx, "subject"));
    body.put("scope", Web.form(ctx, "scope"));
    Optional<String> family = Web.optionalForm(ctx, "job_family");
    Optional<String> version = Web.optionalForm(ctx, "job_version");
    if (version.isPresent()) {
      // one job: named by its family's name and its version (lifecycle refuses a version alone)
      family.ifPresent(v -> body.put("job_name", v));
      body.put("job_version", version.get());
    } else {
      family.ifPresent(v -> body.put("job_family", v));
    }
    Web.optionalForm(ctx, "endpoint").ifPresent(v -> body.put("endpoint", v));
    web.lifecycle().post(login.token(), "/api/v1/auth/permissions", body);
    Web.seeOther(ctx, "/admin/permissions");
  }

  private void revoke(Context ctx) {
    Login login = staff(web, ctx);
    web.lifecycle().delete(login.token(), "/api/v1/auth/permissions/" + seg(ctx.pathParam("id")));
    Web.seeOther(ctx, "/admin/permissions");
  }
}
