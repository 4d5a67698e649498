package dev.racetrack.lifecycle.supervisor;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.RequestAuth;
import dev.racetrack.lifecycle.maintenance.Maintenance;
import java.util.Map;

/**
 * {@code POST /api/v1/job/all/reconcile}: reprovision every lost job now ({@code call_admin_api}).
 */
public final class ReconcileRoutes implements Routes {
  private final Reconciler reconciler;
  private final Authorizer authorizer;
  private final Maintenance maintenance;
  private final RequestAuth auth;

  public ReconcileRoutes(
      Reconciler reconciler, Authorizer authorizer, Maintenance maintenance, RequestAuth auth) {
    this.reconciler = reconciler;
    this.authorizer = authorizer;
    this.maintenance = maintenance;
    this.auth = auth;
  }

  @Override
  public void register(RouteTable routes) {
    routes.post(
        "/api/v1/job/all/reconcile",
        ctx -> {
          authorizer.requireScope(auth.caller(ctx), AuthScope.CALL_ADMIN_API);
          maintenance.ensureOff();
          ctx.json(Map.of("deployments", reconciler.reconcileLostJobs()));
        });
  }
}
