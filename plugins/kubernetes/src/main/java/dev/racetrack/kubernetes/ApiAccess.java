package dev.racetrack.kubernetes;

import java.util.List;
import java.util.Set;

/**
 * What the target does with the Kubernetes API: the RBAC rules the platform's service account needs
 * (kustomize/dev's Role grants exactly these; a test checks the target uses no more).
 *
 * @param apiGroup {@code ""} for the core group
 * @param resource a resource or {@code resource/subresource}
 * @param verbs the RBAC verbs
 */
public record ApiAccess(String apiGroup, String resource, Set<String> verbs) {
  public ApiAccess {
    verbs = Set.copyOf(verbs);
  }

  /** Every access the target needs. */
  public static final List<ApiAccess> REQUIRED =
      List.of(
          new ApiAccess("apps", "deployments", Set.of("get", "list", "create", "update", "delete")),
          new ApiAccess("", "services", Set.of("get", "list", "create", "delete")),
          new ApiAccess("", "secrets", Set.of("get", "list", "create", "update", "delete")),
          new ApiAccess("", "pods", Set.of("list")),
          new ApiAccess("", "pods/log", Set.of("get")),
          new ApiAccess("", "events", Set.of("list")));

  /**
   * What the status sync ({@code list()}) needs: the supervisor's service account, when it runs as
   * its own process, gets only these.
   */
  public static final List<ApiAccess> STATUS_SYNC =
      List.of(
          new ApiAccess("apps", "deployments", Set.of("list")),
          new ApiAccess("", "pods", Set.of("list")),
          new ApiAccess("", "events", Set.of("list")));
}
