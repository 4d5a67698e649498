package dev.racetrack.lifecycle.asynccall;

import dev.racetrack.http.ApiServer;
import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.model.AsyncJobCall;
import dev.racetrack.model.error.AlreadyExistsException;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.UnauthorizedException;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.http.ApiClient;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The store of PUB's async job calls (§14): only PUB may use it (it presents the components'
 * internal token). A call is owned by one PUB through a lease it renews; {@code claim} hands calls
 * whose lease expired to the asking PUB.
 */
public final class AsyncCallRoutes implements Routes {
  private static final String BASE = "/api/v1/job/async/call";
  private static final Duration MAX_LEASE = Duration.ofHours(1);

  private final AsyncCallRepository calls;
  private final byte[] internalToken;

  public AsyncCallRoutes(AsyncCallRepository calls, String internalToken) {
    this.calls = calls;
    this.internalToken =
        Objects.requireNonNull(internalToken, "internalToken").getBytes(StandardCharsets.UTF_8);
  }

  /** A request to renew a lease. */
  public record LeaseRequest(String ownerId, double leaseSeconds) {}

  /** A request to take over calls whose lease expired. */
  public record ClaimRequest(String ownerId, double leaseSeconds, int limit) {}

  @Override
  public void register(RouteTable routes) {
    routes.post(BASE, this::create);
    routes.post(BASE + "/claim", this::claim);
    routes.get(BASE + "/{id}", this::read);
    routes.put(BASE + "/{id}", this::update);
    routes.post(BASE + "/{id}/lease", this::renew);
    routes.delete(BASE + "/{id}", this::delete);
  }

  private void create(Context ctx) {
    requirePub(ctx);
    AsyncJobCall call = ctx.bodyAsClass(AsyncJobCall.class);
    validId(call.id());
    if (!call.ongoing() || call.ownerId().isBlank()) {
      throw new ValidationException("a new async call must be ongoing and name its owner_id");
    }
    if (calls.find(call.id()).isPresent()) {
      throw new AlreadyExistsException("async call " + call.id() + " already exists");
    }
    ctx.status(201).json(calls.insert(call, lease(ctx.queryParam("lease_seconds"))));
  }

  private void read(Context ctx) {
    requirePub(ctx);
    String id = validId(ctx.pathParam("id"));
    ctx.json(calls.find(id).orElseThrow(() -> notFound(id)));
  }

  private void update(Context ctx) {
    requirePub(ctx);
    String id = validId(ctx.pathParam("id"));
    AsyncJobCall call = ctx.bodyAsClass(AsyncJobCall.class);
    if (!id.equals(call.id())) {
      throw new ValidationException("body id " + call.id() + " is not the path's id " + id);
    }
    AsyncJobCall stored =
        calls
            .update(call, lease(ctx.queryParam("lease_seconds")))
            .orElseThrow(() -> notOwner(id, call.ownerId()));
    ctx.json(stored);
  }

  private void renew(Context ctx) {
    requirePub(ctx);
    String id = validId(ctx.pathParam("id"));
    LeaseRequest request = ctx.bodyAsClass(LeaseRequest.class);
    if (!calls.renew(id, owner(request.ownerId()), seconds(request.leaseSeconds()))) {
      throw notOwner(id, request.ownerId());
    }
    ctx.json(Map.of("renewed", true));
  }

  private void claim(Context ctx) {
    requirePub(ctx);
    ClaimRequest request = ctx.bodyAsClass(ClaimRequest.class);
    if (request.limit() < 1 || request.limit() > 100) {
      throw new ValidationException("limit must be between 1 and 100, got " + request.limit());
    }
    List<AsyncJobCall> claimed =
        calls.claim(owner(request.ownerId()), seconds(request.leaseSeconds()), request.limit());
    if (claimed.isEmpty()) {
      ApiServer.routine(ctx); // each PUB asks every 10 s: log only the claims that took work
    }
    ctx.json(claimed);
  }

  private void delete(Context ctx) {
    requirePub(ctx);
    String id = validId(ctx.pathParam("id"));
    if (!calls.delete(id)) {
      throw notFound(id);
    }
    ctx.json(Map.of("deleted", id));
  }

  private static String owner(String ownerId) {
    if (ownerId == null || ownerId.isBlank() || ownerId.length() > 128) {
      throw new ValidationException("owner_id must be 1 to 128 characters");
    }
    return ownerId;
  }

  private static Duration lease(String leaseSeconds) {
    if (leaseSeconds == null) {
      return Duration.ofSeconds(60);
    }
    try {
      return seconds(Double.parseDouble(leaseSeconds));
    } catch (NumberFormatException e) {
      throw new ValidationException("lease_seconds is not a number: " + leaseSeconds);
    }
  }

  private static Duration seconds(double seconds) {
    Duration lease = Duration.ofMillis((long) (seconds * 1000));
    if (lease.isNegative() || lease.isZero() || lease.compareTo(MAX_LEASE) > 0) {
      throw new ValidationException("lease_seconds must be > 0 and at most 3600, got " + seconds);
    }
    return lease;
  }

  private static String validId(String id) {
    try {
      return UUID.fromString(id).toString();
    } catch (IllegalArgumentException e) {
      throw new ValidationException("async call id is not a UUID: " + id);
    }
  }

  private static NotFoundException notFound(String id) {
    return new NotFoundException("async call " + id + " not found");
  }

  private static AlreadyExistsException notOwner(String id, String ownerId) {
    return new AlreadyExistsException(
        "async call " + id + " is not ongoing under owner " + ownerId + " any more");
  }

  private void requirePub(Context ctx) {
    String presented = ctx.header(ApiClient.INTERNAL_TOKEN_HEADER);
    if (presented == null
        || !MessageDigest.isEqual(internalToken, presented.getBytes(StandardCharsets.UTF_8))) {
      throw new UnauthorizedException(
          "only PUB may use the async call store (header "
              + ApiClient.INTERNAL_TOKEN_HEADER
              + " missing or wrong)");
    }
  }
}
