package dev.racetrack.lifecycle.audit;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.lifecycle.auth.SubjectType;
import dev.racetrack.model.error.UnauthorizedException;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The audit log (§3.10): everything, or only what is related to the caller, a whole job family or
 * one job version; newest first, {@code limit} (default 100) events from {@code offset}.
 */
public final class AuditRoutes implements Routes {
  private static final List<String> TRUE = List.of("true", "yes", "1");

  private final AuditRepository audit;
  private final Authorizer authorizer;
  private final RequestAuth auth;

  public AuditRoutes(AuditRepository audit, Authorizer authorizer, RequestAuth auth) {
    this.audit = audit;
    this.authorizer = authorizer;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get("/api/v1/audit/activity", this::activity);
    routes.get(
        "/api/v1/audit/user_events",
        ctx -> ctx.json(events(ctx, true, Optional.empty(), Optional.empty())));
    routes.get(
        "/api/v1/audit/user_events/job/{name}",
        ctx -> ctx.json(events(ctx, true, Optional.of(ctx.pathParam("name")), Optional.empty())));
    routes.get(
        "/api/v1/audit/user_events/job/{name}/{version}",
        ctx ->
            ctx.json(
                events(
                    ctx,
                    true,
                    Optional.of(ctx.pathParam("name")),
                    Optional.of(ctx.pathParam("version")))));
    routes.get(
        "/api/v1/audit/events",
        ctx -> ctx.json(events(ctx, false, Optional.empty(), Optional.empty())));
    routes.get(
        "/api/v1/audit/events/job/{name}",
        ctx -> ctx.json(events(ctx, false, Optional.of(ctx.pathParam("name")), Optional.empty())));
    routes.get(
        "/api/v1/audit/events/job/{name}/{version}",
        ctx ->
            ctx.json(
                events(
                    ctx,
                    false,
                    Optional.of(ctx.pathParam("name")),
                    Optional.of(ctx.pathParam("version")))));
  }

  private void activity(Context ctx) {
    Optional<String> name = query(ctx, "job_name");
    Optional<String> version = query(ctx, "job_version");
    boolean relatedToMe =
        query(ctx, "related_to_me")
            .map(v -> TRUE.contains(v.toLowerCase(Locale.ROOT)))
            .orElse(false);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("filter_job_name", name.orElse(null));
    body.put("filter_job_version", version.orElse(null));
    body.put("filter_related_to_me", relatedToMe);
    body.put("offset", intParam(ctx, "offset", 0));
    body.put("limit", intParam(ctx, "limit", AuditQuery.DEFAULT_LIMIT));
    body.put("events", events(ctx, relatedToMe, name, version));
    ctx.json(body);
  }

  private List<AuditEvent> events(
      Context ctx, boolean relatedToCaller, Optional<String> name, Optional<String> version) {
    Caller caller = auth.caller(ctx);
    Optional<String> related = Optional.empty();
    if (relatedToCaller) {
      if (caller.type() != SubjectType.USER) {
        throw new UnauthorizedException(
            "events related to the caller need a user token, got " + caller.describe());
      }
      related = Optional.of(caller.username());
    }
    return audit.list(
        new AuditQuery(
            name,
            version,
            related,
            intParam(ctx, "offset", 0),
            intParam(ctx, "limit", AuditQuery.DEFAULT_LIMIT),
            reader(caller)));
  }

  /**
   * Staff and internal readers see every event; everyone else only events about themselves and
   * about jobs they may read.
   */
  private Optional<AuditQuery.Reader> reader(Caller caller) {
    if (authorizer.isStaff(caller) || (caller.isInternal() && authorizer.readsEverything(caller))) {
      return Optional.empty();
    }
    return Optional.of(
        new AuditQuery.Reader(caller.authSubjectId().orElse("no auth subject"), caller.username()));
  }

  private static Optional<String> query(Context ctx, String name) {
    return Optional.ofNullable(ctx.queryParam(name)).filter(s -> !s.isBlank());
  }

  private static int intParam(Context ctx, String name, int fallback) {
    Optional<String> value = query(ctx, name);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.get());
    } catch (NumberFormatException e) {
      throw new ValidationException(name + " must be a whole number, got '" + value.get() + "'");
    }
  }
}
