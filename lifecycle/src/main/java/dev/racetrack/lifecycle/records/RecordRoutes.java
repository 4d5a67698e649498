package dev.racetrack.lifecycle.records;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.util.Map;

/**
 * {@code GET /api/v1/records} (the record types) and {@code GET
 * /api/v1/records/{type}?limit=&offset=} (a page of them): the staff-only, read-only record
 * browser's API.
 */
public final class RecordRoutes implements Routes {
  static final int MAX_LIMIT = 100;
  private final RecordRepository records;
  private final Authorizer authorizer;
  private final RequestAuth auth;

  public RecordRoutes(RecordRepository records, Authorizer authorizer, RequestAuth auth) {
    this.records = records;
    this.authorizer = authorizer;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    routes.get(
        "/api/v1/records",
        ctx -> {
          authorizer.requireStaff(auth.caller(ctx));
          ctx.json(Map.of("types", RecordRepository.types()));
        });
    routes.get("/api/v1/records/{type}", this::page);
  }

  private void page(Context ctx) {
    authorizer.requireStaff(auth.caller(ctx));
    int limit = number(ctx, "limit", 50);
    int offset = number(ctx, "offset", 0);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new ValidationException("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    if (offset < 0) {
      throw new ValidationException("offset must be >= 0, got " + offset);
    }
    ctx.json(records.page(ctx.pathParam("type"), limit, offset));
  }

  private static int number(Context ctx, String name, int fallback) {
    String value = ctx.queryParam(name);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw new ValidationException(name + " must be a whole number, got '" + value + "'");
    }
  }
}
