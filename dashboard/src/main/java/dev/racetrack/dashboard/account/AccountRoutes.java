package dev.racetrack.dashboard.account;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.dashboard.lifecycle.LifecycleClient;
import dev.racetrack.dashboard.lifecycle.LifecycleException;
import dev.racetrack.dashboard.session.Login;
import dev.racetrack.dashboard.session.Session;
import dev.racetrack.dashboard.web.Guard;
import dev.racetrack.dashboard.web.PageRoutes;
import dev.racetrack.dashboard.web.Web;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;

/** Login, registration, logout, the profile page (token, CLI login command) and password change. */
public final class AccountRoutes implements PageRoutes {
  private final Web web;
  private final Guard guard;

  public AccountRoutes(Web web, Guard guard) {
    this.web = web;
    this.guard = guard;
  }

  @Override
  public void register(RoutesConfig routes) {
    routes.get(
        Web.BASE + "/login",
        ctx ->
            loginPage(
                ctx,
                Optional.empty(),
                Web.query(ctx, "changed")
                    .map(c -> "Your password was changed: log in with the new one."),
                ""));
    routes.post(Web.BASE + "/login", this::login);
    routes.get(Web.BASE + "/register", ctx -> registerPage(ctx, Map.of()));
    routes.post(Web.BASE + "/register", this::registerUser);
    routes.post(Web.BASE + "/logout", this::logout);
    routes.get(Web.BASE + "/profile", ctx -> profile(ctx, Optional.empty(), Optional.empty()));
    routes.post(Web.BASE + "/profile/password", this::changePassword);
    routes.post(Web.BASE + "/profile/token", this::regenerateToken);
  }

  /** The login form, with an error (a refused login) or a notice (the password was changed). */
  private void loginPage(
      Context ctx, Optional<String> error, Optional<String> notice, String username) {
    web.render(
        ctx,
        "login.jte",
        "Log in",
        "login",
        Map.of("error", error, "notice", notice, "username", username));
  }

  private void login(Context ctx) {
    String username = Web.optionalForm(ctx, "username").orElse("");
    String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
    LifecycleClient.LoginResult result;
    try {
      result = web.lifecycle().login(username, password);
    } catch (LifecycleException e) {
      ctx.status(e.status() == 429 ? 429 : 401);
      loginPage(ctx, Optional.of(e.getMessage()), Optional.empty(), username);
      return;
    }
    Session session =
        web.sessions()
            .login(
                web.session(ctx).id(),
                new Login(
                    result.profile().path("username").asText(username),
                    result.sessionToken(),
                    result.profile().path("is_staff").asBoolean(false)));
    guard.setCookie(ctx, session);
    Web.seeOther(ctx, "/jobs");
  }

  private void registerPage(Context ctx, Map<String, Object> state) {
    Map<String, Object> params = new java.util.HashMap<>();
    params.put("error", Optional.empty());
    params.put("message", Optional.empty());
    params.put("username", "");
    params.putAll(state);
    web.render(ctx, "register.jte", "Register", "register", params);
  }

  private void registerUser(Context ctx) {
    String username = Web.optionalForm(ctx, "username").orElse("");
    String password = Optional.ofNullable(ctx.formParam("password")).orElse("");
    String repeated = Optional.ofNullable(ctx.formParam("password2")).orElse("");
    if (!password.equals(repeated)) {
      ctx.status(400);
      registerPage(
          ctx, Map.of("error", Optional.of("the two passwords differ"), "username", username));
      return;
    }
    try {
      JsonNode answer = web.lifecycle().register(username, password);
      registerPage(ctx, Map.of("message", Optional.of(answer.path("message").asText())));
    } catch (LifecycleException e) {
      ctx.status(e.status());
      registerPage(ctx, Map.of("error", Optional.of(e.getMessage()), "username", username));
    }
  }

  private void logout(Context ctx) {
    Session session = web.session(ctx);
    session.login().ifPresent(login -> web.lifecycle().logout(login.token()));
    web.sessions().remove(session.id());
    guard.setCookie(ctx, web.sessions().anonymous());
    Web.seeOther(ctx, "/login");
  }

  private void profile(Context ctx, Optional<String> message, Optional<String> error) {
    Login login = web.login(ctx);
    JsonNode profile = web.lifecycle().get(login.token(), "/api/v1/users/validate_user_auth");
    String token = profile.path("token").asText();
    web.render(
        ctx,
        "profile.jte",
        "Profile",
        "profile",
        Map.of(
            "token",
            token,
            "command",
            "racetrack login --remote " + web.config().externalLifecycleUrl() + " " + token,
            "message",
            message,
            "error",
            error));
  }

  private void changePassword(Context ctx) {
    Login login = web.login(ctx);
    String oldPassword = Optional.ofNullable(ctx.formParam("old_password")).orElse("");
    String newPassword = Optional.ofNullable(ctx.formParam("new_password")).orElse("");
    String repeated = Optional.ofNullable(ctx.formParam("new_password2")).orElse("");
    if (!newPassword.equals(repeated)) {
      ctx.status(400);
      profile(ctx, Optional.empty(), Optional.of("the two new passwords differ"));
      return;
    }
    try {
      web.lifecycle()
          .put(
              login.token(),
              "/api/v1/users/change_password",
              Map.of("old_password", oldPassword, "new_password", newPassword));
    } catch (LifecycleException e) {
      // a wrong current password is a 401 too: shown on the form (the page's own lifecycle
      // calls log the user out if the session itself has ended)
      ctx.status(e.status() == 401 ? 400 : e.status());
      profile(ctx, Optional.empty(), Optional.of(e.getMessage()));
      return;
    }
    // a password change ends every lifecycle session, this one too: log in again
    web.sessions().remove(web.session(ctx).id());
    Web.seeOther(ctx, "/login?changed=true");
  }

  private void regenerateToken(Context ctx) {
    Login login = web.login(ctx);
    web.lifecycle().post(login.token(), "/api/v1/auth/token/user/regenerate", Map.of());
    profile(
        ctx, Optional.of("A new token was made; the old one no longer works."), Optional.empty());
  }
}
