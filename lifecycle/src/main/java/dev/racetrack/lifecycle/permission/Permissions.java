package dev.racetrack.lifecycle.permission;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.AuthScope;
import dev.racetrack.lifecycle.auth.AuthSubjectRepository;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.auth.PermissionRepository.PermissionView;
import dev.racetrack.lifecycle.auth.UserRepository;
import dev.racetrack.lifecycle.esc.EscRepository;
import dev.racetrack.lifecycle.event.GatewayNotifier;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.ValidationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * Managing permissions (§4.4): staff list, grant and revoke them; admins (or internal tools) allow
 * an ESC or a job family to call a family. Revocations reach the gateway at once.
 */
public final class Permissions {

  /** What the feature needs. */
  public record Parts(
      Jdbi jdbi,
      PermissionRepository permissions,
      AuthSubjectRepository subjects,
      UserRepository users,
      EscRepository escs,
      JobRepository jobs,
      Authorizer authorizer,
      AuditLog audit,
      GatewayNotifier gateway) {}

  /**
   * A permission to grant.
   *
   * @param subjectType {@code user}, {@code esc} or {@code job_family}
   * @param subject username, ESC id or family name
   * @param jobFamily narrows it to a family
   * @param jobName with {@code jobVersion}, narrows it to one job
   * @param endpoint narrows it to one endpoint
   */
  public record NewPermission(
      String subjectType,
      String subject,
      String scope,
      String jobFamily,
      String jobName,
      String jobVersion,
      String endpoint) {}

  /** The longest endpoint a grant may name (the column's size). */
  static final int MAX_ENDPOINT_LENGTH = 256;

  private final Parts p;

  public Permissions(Parts parts) {
    this.p = parts;
  }

  public List<PermissionView> list(Caller caller, PermissionRepository.Filter filter) {
    p.authorizer().requireStaff(caller);
    return p.permissions().list(filter);
  }

  public PermissionView grant(Caller caller, NewPermission grant) {
    p.authorizer().requireStaff(caller);
    AuthScope scope = AuthScope.fromWire(required(grant.scope(), "scope"));
    long id =
        p.jdbi()
            .inTransaction(
                h -> {
                  String subject =
                      subject(
                          h,
                          required(grant.subjectType(), "subject_type"),
                          required(grant.subject(), "subject"));
                  Optional<String> family =
                      Optional.ofNullable(grant.jobFamily())
                          .filter(s -> !s.isBlank())
                          .map(f -> familyId(h, f));
                  Optional<String> job = job(h, grant);
                  Optional<String> endpoint =
                      Optional.ofNullable(grant.endpoint())
                          .filter(s -> !s.isBlank())
                          .map(e -> e.startsWith("/") ? e : "/" + e);
                  if (endpoint.isPresent() && endpoint.get().length() > MAX_ENDPOINT_LENGTH) {
                    throw new ValidationException(
                        "endpoint is too long: at most "
                            + MAX_ENDPOINT_LENGTH
                            + " characters, got "
                            + endpoint.get().length());
                  }
                  long created = p.permissions().insert(h, subject, scope, family, job, endpoint);
                  audit(
                      h,
                      caller,
                      "permission_granted",
                      grant.subjectType() + " " + grant.subject(),
                      scope,
                      grantDetails(grant));
                  return created;
                });
    return p
        .permissions()
        .list(
            new PermissionRepository.Filter(
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty()))
        .stream()
        .filter(v -> v.id() == id)
        .findFirst()
        .orElseThrow();
  }

  public void revoke(Caller caller, long id) {
    p.authorizer().requireStaff(caller);
    p.jdbi()
        .useTransaction(
            h -> {
              if (!p.permissions().delete(h, id)) {
                throw new NotFoundException("permission " + id + " not found");
              }
              audit(
                  h,
                  caller,
                  "permission_revoked",
                  "permission " + id,
                  null,
                  Map.of("permission_id", id));
            });
    p.gateway().invalidate("permission " + id + " revoked");
  }

  /** Lets an ESC use {@code scope} on a whole job family (idempotent). */
  public void allowEsc(Caller caller, String escId, String family, String scopeName) {
    AuthScope scope = requireMayAllow(caller, scopeName);
    p.jdbi()
        .useTransaction(
            h -> {
              if (p.escs().find(h, escId).isEmpty()) {
                throw new NotFoundException("ESC " + escId + " not found");
              }
              p.permissions()
                  .grant(
                      h,
                      p.subjects().forEsc(h, escId),
                      scope,
                      Optional.of(familyId(h, family)),
                      Optional.empty());
              audit(
                  h,
                  caller,
                  "permission_granted",
                  "esc " + escId,
                  scope,
                  Map.of("job_family", family));
            });
  }

  /**
   * Lets every job of family {@code source} use {@code scope} on family {@code target}: one way.
   */
  public void allowFamily(Caller caller, String source, String target, String scopeName) {
    AuthScope scope = requireMayAllow(caller, scopeName);
    p.jdbi()
        .useTransaction(
            h -> {
              String subject = p.subjects().forFamily(h, familyId(h, source));
              p.permissions()
                  .grant(h, subject, scope, Optional.of(familyId(h, target)), Optional.empty());
              audit(
                  h,
                  caller,
                  "permission_granted",
                  "job_family " + source,
                  scope,
                  Map.of("job_family", target));
            });
  }

  /**
   * {@code allow/*} needs {@code call_admin_api} on everything; handing out {@code full_access} or
   * {@code call_admin_api} itself needs staff.
   */
  private AuthScope requireMayAllow(Caller caller, String scopeName) {
    AuthScope scope = AuthScope.fromWire(scopeName);
    if (scope == AuthScope.FULL_ACCESS || scope == AuthScope.CALL_ADMIN_API) {
      p.authorizer().requireStaff(caller);
    } else {
      p.authorizer().requireScope(caller, AuthScope.CALL_ADMIN_API);
    }
    return scope;
  }

  private String subject(Handle h, String type, String name) {
    return switch (type) {
      case "user" ->
          p.subjects()
              .forUser(
                  h,
                  p.users()
                      .find(h, name)
                      .orElseThrow(() -> new NotFoundException("user " + name + " not found"))
                      .id());
      case "esc" -> {
        if (p.escs().find(h, name).isEmpty()) {
          throw new NotFoundException("ESC " + name + " not found");
        }
        yield p.subjects().forEsc(h, name);
      }
      case "job_family" -> p.subjects().forFamily(h, familyId(h, name));
      default ->
          throw new ValidationException(
              "subject_type must be user, esc or job_family, got '" + type + "'");
    };
  }

  /**
   * The family's id; the family is created when it does not exist yet (granting ahead of a
   * deployment).
   */
  private String familyId(Handle h, String name) {
    if (!name.matches("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")) {
      throw new ValidationException("'" + name + "' is not a job name");
    }
    return p.jobs().familyId(h, name);
  }

  private Optional<String> job(Handle h, NewPermission grant) {
    if (grant.jobName() == null || grant.jobName().isBlank()) {
      if (grant.jobVersion() != null && !grant.jobVersion().isBlank()) {
        // granting without the job would silently widen the grant to the family or every job
        throw new ValidationException(
            "job_version '"
                + grant.jobVersion().strip()
                + "' needs job_name: a job is named by job_name and job_version (job_family alone"
                + " grants every version of the family)");
      }
      return Optional.empty();
    }
    String version = required(grant.jobVersion(), "job_version (with job_name)");
    Job job =
        p.jobs()
            .find(h, grant.jobName(), version)
            .orElseThrow(
                () ->
                    new NotFoundException("Job was not found: " + grant.jobName() + " " + version));
    return Optional.of(job.id());
  }

  private static Map<String, Object> grantDetails(NewPermission grant) {
    Map<String, Object> details = new LinkedHashMap<>();
    Optional.ofNullable(grant.jobFamily()).ifPresent(v -> details.put("job_family", v));
    Optional.ofNullable(grant.jobName()).ifPresent(v -> details.put("job_name", v));
    Optional.ofNullable(grant.jobVersion()).ifPresent(v -> details.put("job_version", v));
    Optional.ofNullable(grant.endpoint()).ifPresent(v -> details.put("endpoint", v));
    return details;
  }

  private static String required(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new ValidationException(field + " is required");
    }
    return value.strip();
  }

  private void audit(
      Handle h,
      Caller caller,
      String type,
      String subject,
      AuthScope scope,
      Map<String, Object> details) {
    Map<String, Object> properties = new LinkedHashMap<>(details);
    properties.put("subject", subject);
    if (scope != null) {
      properties.put("scope", scope.wireName());
    }
    p.audit()
        .record(
            h,
            type,
            caller.username(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            properties);
  }
}
