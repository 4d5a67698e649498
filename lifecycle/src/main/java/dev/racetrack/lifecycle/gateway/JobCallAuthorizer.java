package dev.racetrack.lifecycle.gateway;

import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.Authenticator;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.job.Jobs;
import dev.racetrack.lifecycle.job.PublicEndpointRepository;
import dev.racetrack.lifecycle.maintenance.Maintenance;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.UnavailableException;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a call through the gateway may reach a job endpoint (§3.6 {@code can-call-job}):
 * health paths and active public endpoints are open; everything else needs {@code call_job}.
 */
public final class JobCallAuthorizer {
  private static final Set<String> OPEN_PATHS = Set.of("/health", "/live", "/ready");

  private final Jobs jobs;
  private final PublicEndpointRepository publicEndpoints;
  private final Authenticator authenticator;
  private final Authorizer authorizer;
  private final Maintenance maintenance;

  public JobCallAuthorizer(
      Jobs jobs,
      PublicEndpointRepository publicEndpoints,
      Authenticator authenticator,
      Authorizer authorizer,
      Maintenance maintenance) {
    this.maintenance = maintenance;
    this.jobs = jobs;
    this.publicEndpoints = publicEndpoints;
    this.authenticator = authenticator;
    this.authorizer = authorizer;
  }

  /** The answer PUB caches: the job to forward to and who is calling. */
  public record JobCallAuthData(Job job, Optional<String> caller) {}

  public JobCallAuthData authorize(
      String name, String version, String path, Optional<String> token) {
    if (maintenance.enabled()) {
      throw new UnavailableException(Maintenance.MESSAGE);
    }
    Job job = jobs.get(name, version);

    String endpoint = normalize(path);
    if (OPEN_PATHS.contains(endpoint) || isPublic(job, endpoint)) {
      return new JobCallAuthData(job, token.flatMap(t -> tryCaller(t)).flatMap(Caller::callerName));
    }
    Caller caller = authenticator.authenticate(token);
    authorizer.requireEndpointScope(
        caller, AuthScope.CALL_JOB, job.name(), job.version(), endpoint);
    return new JobCallAuthData(job, caller.callerName());
  }

  /** The job {@code name} at {@code version} (an exact version or an alias); 404 when unknown. */
  public Job locate(String name, String version) {
    return jobs.get(name, version);
  }

  private boolean isPublic(Job job, String endpoint) {
    return publicEndpoints.active(job.id()).stream()
        .anyMatch(prefix -> coversPath(normalize(prefix), endpoint));
  }

  /**
   * True when the public endpoint {@code prefix} covers {@code path} on path-segment boundaries:
   * {@code /api/v1/webview} covers itself and {@code /api/v1/webview/x}, not {@code
   * /api/v1/webviewX}.
   */
  static boolean coversPath(String prefix, String path) {
    if (prefix.equals("/")) {
      return true;
    }
    return path.equals(prefix) || path.startsWith(prefix + "/");
  }

  private Optional<Caller> tryCaller(String token) {
    try {
      return Optional.of(authenticator.authenticate(Optional.of(token)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Leading slash added, trailing slash removed. */
  public static String normalize(String path) {
    String p = path.startsWith("/") ? path : "/" + path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }
}
