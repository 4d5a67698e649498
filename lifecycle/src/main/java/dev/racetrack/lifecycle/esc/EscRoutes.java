package dev.racetrack.lifecycle.esc;

import dev.racetrack.http.JsonBodies;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.RequestAuth;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;

/** ESC endpoints (§3.8), staff only. */
public final class EscRoutes implements Routes {
  private final Escs escs;
  private final RequestAuth auth;

  public EscRoutes(Escs escs, RequestAuth auth) {
    this.escs = escs;
    this.auth = auth;
  }

  record NewEsc(String name, String id) {}

  record NewToken(Long expiryTime) {}

  @Override
  public void register(RouteTable routes) {
    routes.get("/api/v1/escs", ctx -> ctx.json(escs.list(auth.caller(ctx))));
    routes.post("/api/v1/escs", this::create);
    routes.delete("/api/v1/escs/{id}", this::delete);
    routes.get(
        "/api/v1/escs/{id}/auth_data",
        ctx -> ctx.json(escs.authData(auth.caller(ctx), ctx.pathParam("id"))));
    routes.post("/api/v1/escs/{id}/auth_token", this::createToken);
    routes.delete("/api/v1/escs/{id}/auth_token/{tokenId}", this::revokeToken);
    routes.get(
        "/api/v1/auth/token/esc/{id}",
        ctx -> ctx.json(Map.of("token", escs.callerToken(auth.caller(ctx), ctx.pathParam("id")))));
  }

  private void create(Context ctx) {
    var caller = auth.caller(ctx);
    NewEsc body = JsonBodies.read(ctx, NewEsc.class);
    ctx.json(escs.create(caller, body.name(), Optional.ofNullable(body.id())));
  }

  private void delete(Context ctx) {
    escs.delete(auth.caller(ctx), ctx.pathParam("id"));
    ctx.json(Map.of("deleted", ctx.pathParam("id")));
  }

  private void createToken(Context ctx) {
    var caller = auth.caller(ctx);
    NewToken body =
        JsonBodies.body(ctx).isBlank() ? new NewToken(null) : JsonBodies.read(ctx, NewToken.class);
    ctx.json(escs.createToken(caller, ctx.pathParam("id"), Optional.ofNullable(body.expiryTime())));
  }

  private void revokeToken(Context ctx) {
    escs.revokeToken(auth.caller(ctx), ctx.pathParam("id"), ctx.pathParam("tokenId"));
    ctx.json(Map.of("revoked", ctx.pathParam("tokenId")));
  }
}
