package dev.racetrack.lifecycle.gateway;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.RequestAuth;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** The question PUB asks for every call it has not cached (§3.6 {@code can-call-job}). */
public final class GatewayRoutes implements Routes {
  private final JobCallAuthorizer callAuthorizer;

  public GatewayRoutes(JobCallAuthorizer callAuthorizer) {
    this.callAuthorizer = callAuthorizer;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get("/api/v1/auth/can-call-job/{name}/{version}", ctx -> canCall(ctx, "/"));
    routes.get(
        "/api/v1/auth/can-call-job/{name}/{version}/<endpoint>",
        ctx -> canCall(ctx, ctx.pathParam("endpoint")));
  }

  private void canCall(Context ctx, String endpoint) {
    JobCallAuthorizer.JobCallAuthData data =
        callAuthorizer.authorize(
            ctx.pathParam("name"), ctx.pathParam("version"), endpoint, RequestAuth.token(ctx));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("job", data.job());
    body.put("caller", data.caller().orElse(null));
    body.put("remote_gateway_url", null);
    body.put("remote_gateway_token", null);
    ctx.json(body);
  }
}
