package dev.racetrack.lifecycle.auth;

import dev.racetrack.http.JsonBodies;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

/** Accounts over HTTP ({@code /api/v1/users/...}, §3.7) and staff management of users. */
public final class UserRoutes implements Routes {
  static final int COOKIE_MAX_AGE = 31 * 24 * 3600;

  private final Accounts accounts;
  private final RequestAuth auth;
  private final boolean secureCookie;

  public UserRoutes(Accounts accounts, RequestAuth auth, boolean secureCookie) {
    this.accounts = accounts;
    this.auth = auth;
    this.secureCookie = secureCookie;
  }

  record Credentials(String username, String password) {
    @Override
    public String toString() {
      return "Credentials[" + username + "]";
    }
  }

  record PasswordChange(String oldPassword, String newPassword) {
    @Override
    public String toString() {
      return "PasswordChange[***]";
    }
  }

  record UserChange(Boolean isActive, Boolean isStaff, String password) {
    @Override
    public String toString() {
      return "UserChange[active=" + isActive + ", staff=" + isStaff + "]";
    }
  }

  @Override
  public void register(RouteTable routes) {
    routes.post("/api/v1/users/login", this::login);
    routes.get(
        "/api/v1/users/validate_user_auth", ctx -> ctx.json(accounts.profile(auth.caller(ctx))));
    routes.get("/api/v1/users/logout", this::logout);
    routes.post("/api/v1/users/register", this::registerUser);
    routes.put("/api/v1/users/change_password", this::changePassword);
    routes.get("/api/v1/users", ctx -> ctx.json(accounts.users(auth.caller(ctx))));
    routes.put("/api/v1/users/{username}", this::updateUser);
  }

  private void login(Context ctx) {
    Credentials credentials = credentials(ctx);
    UserProfile profile =
        accounts.login(credentials.username().strip(), credentials.password(), ctx.ip());
    setAuthCookie(ctx, profile.token(), COOKIE_MAX_AGE);
    ctx.json(profile);
  }

  private void registerUser(Context ctx) {
    Credentials credentials = credentials(ctx);
    accounts.register(credentials.username(), credentials.password());
    ctx.json(
        Map.of(
            "username",
            credentials.username().strip(),
            "message",
            "Your account has been registered. Now wait till Racetrack admin activates your account."));
  }

  private void changePassword(Context ctx) {
    Caller caller = auth.caller(ctx);
    PasswordChange change = JsonBodies.read(ctx, PasswordChange.class);
    if (change.newPassword() == null) {
      throw new ValidationException("new_password is required");
    }
    accounts.changePassword(caller, change.oldPassword(), change.newPassword());
    ctx.json(Map.of("changed", true));
  }

  private void updateUser(Context ctx) {
    Caller caller = auth.caller(ctx);
    UserChange change = JsonBodies.read(ctx, UserChange.class);
    ctx.json(
        accounts.updateUser(
            caller,
            ctx.pathParam("username"),
            new Accounts.UserUpdate(
                Optional.ofNullable(change.isActive()),
                Optional.ofNullable(change.isStaff()),
                Optional.ofNullable(change.password()))));
  }

  private static Credentials credentials(Context ctx) {
    Credentials credentials = JsonBodies.read(ctx, Credentials.class);
    if (credentials.username() == null
        || credentials.username().isBlank()
        || credentials.password() == null) {
      throw new ValidationException("username and password are required");
    }
    return credentials;
  }

  private void logout(Context ctx) {
    setAuthCookie(ctx, "", 0);
    ctx.json(Map.of("logged_out", true));
  }

  void setAuthCookie(Context ctx, String token, int maxAge) {
    Cookie cookie =
        new Cookie(Authenticator.HEADER, URLEncoder.encode(token, StandardCharsets.UTF_8));
    cookie.setPath("/");
    cookie.setMaxAge(maxAge);
    cookie.setSameSite(SameSite.LAX);
    cookie.setSecure(secureCookie);
    ctx.cookie(cookie);
  }
}
