package dev.racetrack.lifecycle.permission;

import dev.racetrack.http.JsonBodies;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.lifecycle.gateway.JobCallAuthorizer;
import dev.racetrack.lifecycle.job.Jobs;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;

/** Permission questions and management (§3.6 allowed/allow, and staff CRUD). */
public final class PermissionRoutes implements Routes {
  private final Permissions permissions;
  private final Jobs jobs;
  private final Authorizer authorizer;
  private final RequestAuth auth;

  public PermissionRoutes(
      Permissions permissions, Jobs jobs, Authorizer authorizer, RequestAuth auth) {
    this.permissions = permissions;
    this.jobs = jobs;
    this.authorizer = authorizer;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get(
        "/api/v1/auth/allowed/job/{name}/{version}/scope/{scope}",
        ctx -> allowed(ctx, Optional.empty()));
    routes.get(
        "/api/v1/auth/allowed/job_endpoint/{name}/{version}/scope/{scope}/endpoint/<endpoint>",
        ctx -> allowed(ctx, Optional.of(JobCallAuthorizer.normalize(ctx.pathParam("endpoint")))));
    routes.get("/api/v1/auth/permissions", this::list);
    routes.post("/api/v1/auth/permissions", this::grant);
    routes.delete("/api/v1/auth/permissions/{id}", this::revoke);
    routes.post("/api/v1/auth/allow/esc/{escId}/job/{job}/scope/{scope}", this::allowEsc);
    routes.post(
        "/api/v1/auth/allow/job_family/{source}/job/{target}/scope/{scope}", this::allowFamily);
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

  private void list(Context ctx) {
    Caller caller = auth.caller(ctx);
    ctx.json(
        permissions.list(
            caller,
            new PermissionRepository.Filter(
                query(ctx, "subject_type"),
                query(ctx, "subject"),
                query(ctx, "scope"),
                query(ctx, "job_family"),
                query(ctx, "job_name"))));
  }

  private void grant(Context ctx) {
    Caller caller = auth.caller(ctx);
    ctx.json(permissions.grant(caller, JsonBodies.read(ctx, Permissions.NewPermission.class)));
  }

  private void revoke(Context ctx) {
    Caller caller = auth.caller(ctx);
    long id;
    try {
      id = Long.parseLong(ctx.pathParam("id"));
    } catch (NumberFormatException e) {
      throw new ValidationException(
          "permission id must be a number, got '" + ctx.pathParam("id") + "'");
    }
    permissions.revoke(caller, id);
    ctx.json(Map.of("deleted", id));
  }

  private void allowEsc(Context ctx) {
    permissions.allowEsc(
        auth.caller(ctx), ctx.pathParam("escId"), ctx.pathParam("job"), ctx.pathParam("scope"));
    ctx.json(Map.of("granted", true));
  }

  private void allowFamily(Context ctx) {
    permissions.allowFamily(
        auth.caller(ctx), ctx.pathParam("source"), ctx.pathParam("target"), ctx.pathParam("scope"));
    ctx.json(Map.of("granted", true));
  }

  private static Optional<String> query(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isBlank());
  }
}
