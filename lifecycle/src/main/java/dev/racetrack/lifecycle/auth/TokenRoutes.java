package dev.racetrack.lifecycle.auth;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import io.javalin.http.Context;
import java.util.Map;

/** Token regeneration endpoints (§3.6, §4.9). */
public final class TokenRoutes implements Routes {
  private final TokenRegeneration regeneration;
  private final RequestAuth auth;
  private final UserRoutes cookies;

  public TokenRoutes(TokenRegeneration regeneration, RequestAuth auth, UserRoutes cookies) {
    this.regeneration = regeneration;
    this.auth = auth;
    this.cookies = cookies;
  }

  @Override
  public void register(RouteTable routes) {
    routes.post("/api/v1/auth/token/user/regenerate", this::regenerateUser);
    routes.post("/api/v1/auth/token/user/all/regenerate", ctx -> all(ctx, SubjectType.USER));
    routes.post(
        "/api/v1/auth/token/job_family/regenerate", ctx -> all(ctx, SubjectType.JOB_FAMILY));
    routes.post("/api/v1/auth/token/esc/regenerate", ctx -> all(ctx, SubjectType.ESC));
  }

  /**
   * With a user's token: that user's tokens ({@code new_token} returned, cookie set). With an
   * internal token (the emergency {@code generate-auth admin} one): every user's tokens, as the
   * admin guide's key rotation procedure expects.
   */
  private void regenerateUser(Context ctx) {
    Caller caller = auth.caller(ctx);
    if (caller.type() == SubjectType.USER) {
      String token = regeneration.regenerateOwn(caller);
      cookies.setAuthCookie(ctx, token, UserRoutes.COOKIE_MAX_AGE);
      ctx.json(Map.of("new_token", token));
    } else {
      all(ctx, SubjectType.USER);
    }
  }

  private void all(Context ctx, SubjectType type) {
    int count = regeneration.regenerateAll(auth.caller(ctx), type);
    ctx.json(Map.of("regenerated", count, "subject_type", type.wireName()));
  }
}
