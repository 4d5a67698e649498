package dev.racetrack.lifecycle.auth;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import io.javalin.http.Context;
import java.util.Map;

/** Token regeneration endpoints (§3.6, §4.9). */
public final class TokenRoutes implements Routes {
  private final TokenRegeneration regeneration;
  private final RequestAuth auth;

  public TokenRoutes(TokenRegeneration regeneration, RequestAuth auth) {
    this.regeneration = regeneration;
    this.auth = auth;
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
   * With a user's token: that user's API tokens ({@code new_token} returned; browser sessions are
   * separate and stay). With an internal token (the emergency {@code generate-auth admin} one):
   * every user's tokens, as the admin guide's key rotation procedure expects.
   */
  private void regenerateUser(Context ctx) {
    Caller caller = auth.caller(ctx);
    if (caller.type() == SubjectType.USER) {
      String token = regeneration.regenerateOwn(caller);
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
