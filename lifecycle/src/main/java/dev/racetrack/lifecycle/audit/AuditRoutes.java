package dev.racetrack.lifecycle.audit;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.lifecycle.auth.SubjectType;
import dev.racetrack.lifecycle.database.TimeIdCursor;
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
 * one job version; newest first, {@code limit} (default 100) events after {@code cursor} (keyset
 * paging: {@code next_cursor} of the activity answer, or the {@value #NEXT_CURSOR_HEADER} header of
 * the others) or from {@code offset} (the original's paging, kept for old clients).
 */
public final class AuditRoutes implements Routes {
  private static final List<String> TRUE = List.of("true", "yes", "1");

  /** The header of the array answers that holds the next page's cursor. */
  public static final String NEXT_CURSOR_HEADER = TimeIdCursor.NEXT_HEADER;

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
        ctx -> list(ctx, events(ctx, true, Optional.empty(), Optional.empty())));
    routes.get(
        "/api/v1/audit/user_events/job/{name}",
        ctx -> list(ctx, events(ctx, true, Optional.of(ctx.pathParam("name")), Optional.empty())));
    routes.get(
        "/api/v1/audit/user_events/job/{name}/{version}",
        ctx ->
            list(
                ctx,
                events(
                    ctx,
                    true,
                    Optional.of(ctx.pathParam("name")),
                    Optional.of(ctx.pathParam("version")))));
    routes.get(
        "/api/v1/audit/events",
        ctx -> list(ctx, events(ctx, false, Optional.empty(), Optional.empty())));
    routes.get(
        "/api/v1/audit/events/job/{name}",
        ctx -> list(ctx, events(ctx, false, Optional.of(ctx.pathParam("name")), Optional.empty())));
    routes.get(
        "/api/v1/audit/events/job/{name}/{version}",
        ctx ->
            list(
                ctx,
                events(
                    ctx,
                    false,
                    Optional.of(ctx.pathParam("name")),
                    Optional.of(ctx.pathParam("version")))));
  }

  /** The original's array answer; the next page's cursor, if any, in a header. */
  private static void list(Context ctx, AuditRepository.Page page) {
    page.next().ifPresent(next -> ctx.header(NEXT_CURSOR_HEADER, next.encode()));
    ctx.json(page.events());
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
    AuditRepository.Page page = events(ctx, relatedToMe, name, version);
    body.put("events", page.events());
    body.put("next_cursor", page.next().map(TimeIdCursor::encode).orElse(null));
    ctx.json(body);
  }

  private AuditRepository.Page events(
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
    return audit.page(
        new AuditQuery(
            name,
            version,
            related,
            intParam(ctx, "offset", 0),
            intParam(ctx, "limit", AuditQuery.DEFAULT_LIMIT),
            query(ctx, "cursor").map(c -> TimeIdCursor.decode(c, "audit")),
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
