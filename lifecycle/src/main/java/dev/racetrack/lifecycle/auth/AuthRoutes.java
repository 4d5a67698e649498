package dev.racetrack.lifecycle.auth;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.job.Jobs;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Authorization questions asked by the gateway and clients (§3.6). */
public final class AuthRoutes implements Routes {
  private final JobCallAuthorizer callAuthorizer;
  private final Jobs jobs;
  private final Authorizer authorizer;
  private final RequestAuth auth;

  public AuthRoutes(
      JobCallAuthorizer callAuthorizer, Jobs jobs, Authorizer authorizer, RequestAuth auth) {
    this.callAuthorizer = callAuthorizer;
    this.jobs = jobs;
    this.authorizer = authorizer;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get("/api/v1/auth/can-call-job/{name}/{version}", ctx -> canCall(ctx, "/"));
    routes.get(
        "/api/v1/auth/can-call-job/{name}/{version}/<endpoint>",
        ctx -> canCall(ctx, ctx.pathParam("endpoint")));
    routes.get(
        "/api/v1/auth/allowed/job/{name}/{version}/scope/{scope}",
        ctx -> allowed(ctx, Optional.empty()));
    routes.get(
        "/api/v1/auth/allowed/job_endpoint/{name}/{version}/scope/{scope}/endpoint/<endpoint>",
        ctx -> allowed(ctx, Optional.of(JobCallAuthorizer.normalize(ctx.pathParam("endpoint")))));
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

  private void allowed(Context ctx, Optional<String> endpoint) {
    Caller caller = auth.caller(ctx);
    AuthScope scope = AuthScope.fromWire(ctx.pathParam("scope"));
    String name = ctx.pathParam("name");
    String version = jobs.resolveVersionOrEmpty(name, ctx.pathParam("version"));
    if (endpoint.isPresent()) {
      authorizer.requireEndpointScope(caller, scope, name, version, endpoint.get());
    } else {
      authorizer.requireJobScope(caller, scope, name, version);
    }
    ctx.status(202).json(Map.of());
  }
}
