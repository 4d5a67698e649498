package dev.racetrack.lifecycle.auth;

import dev.racetrack.model.error.UnauthorizedException;
import java.util.Optional;

/** Decides whether a caller may do something (§4.4); throws with the reference's messages. */
public final class Authorizer {
  private final PermissionRepository permissions;
  private final UserRepository users;

  public Authorizer(PermissionRepository permissions, UserRepository users) {
    this.permissions = permissions;
    this.users = users;
  }

  /** Requires a scope on everything (a grant narrowed to a family, job or endpoint does not do). */
  public void requireScope(Caller caller, AuthScope scope) {
    if (!hasScope(caller, scope)) {
      throw denied(caller, scope);
    }
  }

  /** Requires a scope on something, however narrowed (for listings that are filtered anyway). */
  public void requireScopeAnywhere(Caller caller, AuthScope scope) {
    boolean allowed =
        caller.isInternal()
            ? internalAllows(caller, scope)
            : permissions.hasScopeAnywhere(subject(caller), scope);
    if (!allowed) {
      throw denied(caller, scope);
    }
  }

  private static UnauthorizedException denied(Caller caller, AuthScope scope) {
    return new UnauthorizedException(
        "no permission to do this operation: auth subject \""
            + caller.describe()
            + "\" does not have permission to access scope \""
            + scope.wireName()
            + "\"");
  }

  public boolean hasScope(Caller caller, AuthScope scope) {
    if (caller.isInternal()) {
      return internalAllows(caller, scope);
    }
    return permissions.hasScope(subject(caller), scope);
  }

  /** Requires a scope on a job version ({@code version} "" for a job that does not exist). */
  public void requireJobScope(Caller caller, AuthScope scope, String jobName, String version) {
    if (!hasJobScope(caller, scope, jobName, version, Optional.empty())) {
      throw new UnauthorizedException(
          "no permission to do this operation: auth subject \""
              + caller.describe()
              + "\" does not have permission to access resource \""
              + resource(jobName, version)
              + "\" with scope \""
              + scope.wireName()
              + "\"");
    }
  }

  /** Requires a scope on one endpoint of a job version. */
  public void requireEndpointScope(
      Caller caller, AuthScope scope, String jobName, String version, String endpoint) {
    if (!hasJobScope(caller, scope, jobName, version, Optional.of(endpoint))) {
      throw new UnauthorizedException(
          "no permission to do this operation: auth subject \""
              + caller.describe()
              + "\" does not have permission to access endpoint "
              + endpoint
              + " at resource \""
              + resource(jobName, version)
              + "\" with scope \""
              + scope.wireName()
              + "\"");
    }
  }

  /** A job version as the original names it ({@code adder v1.0.0}), or the family alone. */
  private static String resource(String jobName, String version) {
    return version.isEmpty() ? jobName : jobName + " v" + version;
  }

  public boolean hasJobScope(
      Caller caller, AuthScope scope, String jobName, String version, Optional<String> endpoint) {
    if (caller.isInternal()) {
      return internalAllows(caller, scope);
    }
    return permissions.hasResourceScope(subject(caller), scope, jobName, version, endpoint);
  }

  /** True when the caller can read every job (no per-job filtering needed). */
  public boolean readsEverything(Caller caller) {
    return caller.isInternal()
        ? internalAllows(caller, AuthScope.READ_JOB)
        : permissions.readsEverything(subject(caller));
  }

  /** True for an active staff user, or an internal token with full access. */
  public boolean isStaff(Caller caller) {
    if (caller.isInternal()) {
      return internalAllows(caller, AuthScope.FULL_ACCESS);
    }
    return caller.type() == SubjectType.USER
        && users.find(caller.subject()).map(u -> u.active() && u.staff()).orElse(false);
  }

  /** Requires an active staff user (admin endpoints), or an internal token with full access. */
  public void requireStaff(Caller caller) {
    if (caller.isInternal() && internalAllows(caller, AuthScope.FULL_ACCESS)) {
      return;
    }
    if (caller.type() != SubjectType.USER) {
      throw new UnauthorizedException(
          "only staff users may do this; " + caller.describe() + " is not a user");
    }
    boolean staff = users.find(caller.subject()).map(u -> u.active() && u.staff()).orElse(false);
    if (!staff) {
      throw new UnauthorizedException(
          "only staff users may do this; " + caller.describe() + " is not staff");
    }
  }

  /**
   * Internal tokens need the scope (or full_access) in their list; an empty list allows nothing.
   */
  private static boolean internalAllows(Caller caller, AuthScope scope) {
    return caller.internalScopes().contains(AuthScope.FULL_ACCESS.wireName())
        || caller.internalScopes().contains(scope.wireName());
  }

  private static String subject(Caller caller) {
    return caller
        .authSubjectId()
        .orElseThrow(() -> new UnauthorizedException("caller has no auth subject"));
  }
}
