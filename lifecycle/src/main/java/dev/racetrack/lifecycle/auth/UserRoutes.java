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

/** Log in, log out and "who am I" ({@code /api/v1/users/...}, §3.7). */
public final class UserRoutes implements Routes {
  private static final int COOKIE_MAX_AGE = 31 * 24 * 3600;

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

  @Override
  public void register(RouteTable routes) {
    routes.post("/api/v1/users/login", this::login);
    routes.get("/api/v1/users/validate_user_auth", this::validate);
    routes.get("/api/v1/users/logout", this::logout);
  }

  private void login(Context ctx) {
    Credentials credentials = JsonBodies.read(ctx, Credentials.class);
    if (credentials.username() == null
        || credentials.username().isBlank()
        || credentials.password() == null) {
      throw new ValidationException("username and password are required");
    }
    UserProfile profile = accounts.login(credentials.username().strip(), credentials.password());
    setAuthCookie(ctx, profile.token(), COOKIE_MAX_AGE);
    ctx.json(profile);
  }

  private void validate(Context ctx) {
    ctx.json(accounts.profile(auth.caller(ctx)));
  }

  private void logout(Context ctx) {
    setAuthCookie(ctx, "", 0);
    ctx.json(Map.of("logged_out", true));
  }

  private void setAuthCookie(Context ctx, String token, int maxAge) {
    Cookie cookie =
        new Cookie(Authenticator.HEADER, URLEncoder.encode(token, StandardCharsets.UTF_8));
    cookie.setPath("/");
    cookie.setMaxAge(maxAge);
    cookie.setSameSite(SameSite.LAX);
    cookie.setSecure(secureCookie);
    ctx.cookie(cookie);
  }
}
