package dev.racetrack.lifecycle.job;

import dev.racetrack.http.JsonBodies;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.lifecycle.event.GatewayNotifier;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Public endpoints: a manifest's {@code public_endpoints} become inactive requests; staff activate
 * them, and active ones (matched by prefix) need no token at the gateway.
 */
public final class PublicEndpointRoutes implements Routes {
  private final Jdbi jdbi;
  private final PublicEndpointRepository requests;
  private final Jobs jobs;
  private final Authorizer authorizer;
  private final AuditLog audit;
  private final GatewayNotifier gateway;
  private final RequestAuth auth;

  public PublicEndpointRoutes(
      Jdbi jdbi,
      PublicEndpointRepository requests,
      Jobs jobs,
      Authorizer authorizer,
      AuditLog audit,
      GatewayNotifier gateway,
      RequestAuth auth) {
    this.jdbi = jdbi;
    this.requests = requests;
    this.jobs = jobs;
    this.authorizer = authorizer;
    this.audit = audit;
    this.gateway = gateway;
    this.auth = auth;
  }

  record Activation(Boolean active) {}

  @Override
  public void register(RouteTable routes) {
    routes.get("/api/v1/job/{name}/{version}/public-endpoints", this::ofJob);
    routes.get("/api/v1/public_endpoints", this::all);
    routes.put("/api/v1/public_endpoints/{id}", this::setActive);
  }

  private void ofJob(Context ctx) {
    Job job = jobs.read(auth.caller(ctx), ctx.pathParam("name"), ctx.pathParam("version"));
    ctx.json(
        requests.list(job.id()).stream().filter(PublicEndpointRepository.Request::active).toList());
  }

  private void all(Context ctx) {
    authorizer.requireStaff(auth.caller(ctx));
    ctx.json(requests.list(null));
  }

  private void setActive(Context ctx) {
    Caller caller = auth.caller(ctx);
    authorizer.requireStaff(caller);
    Activation body = JsonBodies.read(ctx, Activation.class);
    if (body.active() == null) {
      throw new ValidationException("active (true or false) is required");
    }
    String id = ctx.pathParam("id");
    jdbi.useTransaction(
        h -> {
          if (!requests.setActive(h, id, body.active())) {
            throw new NotFoundException("public endpoint request " + id + " not found");
          }
          audit.record(
              h,
              "public_endpoint_changed",
              caller.username(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Map.of("request_id", id, "active", body.active()));
        });
    gateway.invalidate("public endpoint " + id + " changed");
    ctx.json(requests.list(null).stream().filter(r -> r.id().equals(id)).findFirst().orElseThrow());
  }
}
