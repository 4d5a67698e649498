package dev.racetrack.lifecycle.gateway;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.model.Job;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.UnauthorizedException;
import dev.racetrack.model.http.ApiClient;
import dev.racetrack.model.manifest.Manifest;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The question PUB asks for every call it has not cached (§3.6 {@code can-call-job}). Only PUB may
 * ask (it presents the components' internal token), and the answer holds only what PUB reads: the
 * job's name, version, internal address and status, and the caller's name.
 */
public final class GatewayRoutes implements Routes {
  private final JobCallAuthorizer callAuthorizer;
  private final byte[] internalToken;

  public GatewayRoutes(JobCallAuthorizer callAuthorizer, String internalToken) {
    this.callAuthorizer = callAuthorizer;
    this.internalToken =
        Objects.requireNonNull(internalToken, "internalToken").getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void register(RouteTable routes) {
    routes.get("/api/v1/auth/can-call-job/{name}/{version}", ctx -> canCall(ctx, "/"));
    routes.get(
        "/api/v1/auth/can-call-job/{name}/{version}/<endpoint>",
        ctx -> canCall(ctx, ctx.pathParam("endpoint")));
    routes.get("/api/v1/auth/job-address/{name}/{version}", this::jobAddress);
  }

  /**
   * Where a job is now, with no caller involved: PUB's async calls re-run a task after a restart or
   * a takeover with it. Only PUB may ask.
   */
  private void jobAddress(Context ctx) {
    requireGateway(ctx);
    Job job = callAuthorizer.locate(ctx.pathParam("name"), ctx.pathParam("version"));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", job.name());
    body.put("version", job.version());
    body.put("internal_name", job.internalName());
    body.put("status", job.status().wireName());
    ctx.json(body);
  }

  private void canCall(Context ctx, String endpoint) {
    requireGateway(ctx);
    JobCallAuthorizer.JobCallAuthData data =
        callAuthorizer.authorize(
            ctx.pathParam("name"), ctx.pathParam("version"), endpoint, RequestAuth.token(ctx));
    Job job = data.job();
    Map<String, Object> permit = new LinkedHashMap<>();
    permit.put("name", job.name());
    permit.put("version", job.version());
    permit.put("internal_name", job.internalName());
    if (job.replicaInternalNames().size() > 1) {
      permit.put("replica_internal_names", job.replicaInternalNames());
    }
    permit.put("status", job.status().wireName());
    callLimits(job, permit);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("job", permit);
    body.put("caller", data.caller().orElse(null));
    ctx.json(body);
  }

  /**
   * The job's call limits PUB enforces: {@code call_timeout} (seconds) and {@code jobtype_extra}'s
   * {@code max_concurrency} and {@code max_concurrency_queue}; absent when the manifest sets none.
   */
  private static void callLimits(Job job, Map<String, Object> permit) {
    if (job.manifest() == null) {
      return;
    }
    Manifest manifest;
    try {
      manifest = Json.mapper().convertValue(job.manifest(), Manifest.class);
    } catch (IllegalArgumentException e) {
      return; // a manifest stored by an older version: no limits of its own
    }
    manifest.callTimeoutDuration().ifPresent(t -> permit.put("call_timeout", t.toSeconds()));
    for (String key : List.of("max_concurrency", "max_concurrency_queue")) {
      manifest
          .jobtypeExtraString(key)
          .flatMap(GatewayRoutes::count)
          .ifPresent(n -> permit.put(key, n));
    }
  }

  private static Optional<Integer> count(String value) {
    try {
      int n = Integer.parseInt(value.strip());
      return n >= 0 ? Optional.of(n) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private void requireGateway(Context ctx) {
    String presented = ctx.header(ApiClient.INTERNAL_TOKEN_HEADER);
    if (presented == null
        || !MessageDigest.isEqual(internalToken, presented.getBytes(StandardCharsets.UTF_8))) {
      throw new UnauthorizedException(
          "only the gateway may ask whether a job can be called (header "
              + ApiClient.INTERNAL_TOKEN_HEADER
              + " missing or wrong)");
    }
  }
}
