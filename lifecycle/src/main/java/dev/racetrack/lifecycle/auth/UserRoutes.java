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
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Accounts over HTTP ({@code /api/v1/users/...}, §3.7) and staff management of users. */
public final class UserRoutes implements Routes {
  /**
   * The browser session cookie. Not {@code X-Racetrack-Auth}, the cookie PUB reads as a job-call
   * credential, so a lifecycle login does not let pages on the same host call jobs.
   */
  public static final String SESSION_COOKIE = "racetrack_session";

  private final Accounts accounts;
  private final RequestAuth auth;
  private final boolean httpsOnly;
  private final Duration sessionLifetime;

  /**
   * @param httpsOnly whether the platform is reached over https (its external URL), so the cookie
   *     is {@code Secure} even when a request arrives over plain http behind a proxy
   */
  public UserRoutes(
      Accounts accounts, RequestAuth auth, boolean httpsOnly, Duration sessionLifetime) {
    this.accounts = accounts;
    this.auth = auth;
    this.httpsOnly = httpsOnly;
    this.sessionLifetime = sessionLifetime;
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
    Accounts.Login login =
        accounts.login(credentials.username().strip(), credentials.password(), ctx.ip());
    setSessionCookie(ctx, login.sessionToken(), (int) sessionLifetime.toSeconds());
    ctx.json(login.profile());
  }

  private void registerUser(Context ctx) {
    Credentials credentials = credentials(ctx);
    accounts.register(credentials.username(), credentials.password(), ctx.ip());
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

  /** Revokes the session of the cookie (or of a session token in the header) and clears it. */
  private void logout(Context ctx) {
    RequestAuth.sessionCookie(ctx).ifPresent(accounts::logout);
    RequestAuth.token(ctx).ifPresent(accounts::logout);
    setSessionCookie(ctx, "", 0);
    // the cookie earlier versions set, readable by PUB: cleared too
    Cookie legacy = new Cookie(Authenticator.HEADER, "");
    legacy.setPath("/");
    legacy.setMaxAge(0);
    ctx.cookie(legacy);
    ctx.json(Map.of("logged_out", true));
  }

  private void setSessionCookie(Context ctx, String token, int maxAge) {
    Cookie cookie = new Cookie(SESSION_COOKIE, URLEncoder.encode(token, StandardCharsets.UTF_8));
    cookie.setPath("/");
    cookie.setMaxAge(maxAge);
    cookie.setHttpOnly(true);
    cookie.setSameSite(SameSite.STRICT);
    cookie.setSecure(httpsOnly || "https".equals(ctx.scheme()));
    ctx.cookie(cookie);
  }
}
