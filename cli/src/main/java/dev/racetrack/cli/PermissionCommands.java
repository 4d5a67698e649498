package dev.racetrack.cli;

import static dev.racetrack.cli.JobCommands.segment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code racetrack permission ...}: staff list, grant and revoke what users, ESCs and job families
 * may do.
 */
final class PermissionCommands {
  static final List<String> SCOPES =
      List.of(
          "read_job",
          "deploy_job",
          "deploy_new_family",
          "delete_job",
          "call_job",
          "call_admin_api",
          "full_access");
  static final List<String> SUBJECT_TYPES = List.of("user", "esc", "job_family");

  private PermissionCommands() {}

  /** {@code value} when it is a known scope, else a message listing them. */
  static String scope(String value) {
    if (!SCOPES.contains(value)) {
      throw new CliException(
          "unknown scope '" + value + "'; known scopes: " + String.join(", ", SCOPES));
    }
    return value;
  }

  static String subjectType(String value) {
    if (!SUBJECT_TYPES.contains(value)) {
      throw new CliException(
          "--subject-type must be one of "
              + String.join(", ", SUBJECT_TYPES)
              + ", got '"
              + value
              + "'");
    }
    return value;
  }

  @Command(
      name = "permission",
      description = "Manage permissions of users, ESCs and job families (staff only).",
      subcommands = {ListPermissions.class, Grant.class, Revoke.class})
  static final class Permission {
    @ParentCommand RacetrackCli root;

    CliContext context() {
      return root.context();
    }
  }

  @Command(name = "list", description = "List permissions, optionally filtered.")
  static final class ListPermissions implements Callable<Integer> {
    @ParentCommand Permission parent;

    @Option(names = "--subject-type", paramLabel = "TYPE", description = "user, esc or job_family.")
    Optional<String> subjectType;

    @Option(
        names = "--subject",
        paramLabel = "NAME",
        description = "Username, ESC name or id, or family name.")
    Optional<String> subject;

    @Option(
        names = "--scope",
        paramLabel = "SCOPE",
        description = "One of: ${COMPLETION-CANDIDATES}.",
        completionCandidates = Scopes.class)
    Optional<String> scope;

    @Option(
        names = "--family",
        paramLabel = "FAMILY",
        description = "Permissions on this job family.")
    Optional<String> family;

    @Option(
        names = "--job",
        paramLabel = "JOB",
        description = "Permissions on versions of this job.")
    Optional<String> job;

    @Mixin RemoteOption remote;

    @Mixin OutputOption output;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      Map<String, String> query = new LinkedHashMap<>();
      subjectType.ifPresent(v -> query.put("subject_type", subjectType(v)));
      subject.ifPresent(v -> query.put("subject", v));
      scope.ifPresent(v -> query.put("scope", scope(v)));
      family.ifPresent(v -> query.put("job_family", v));
      job.ifPresent(v -> query.put("job_name", v));
      StringBuilder path = new StringBuilder("/api/v1/auth/permissions");
      query.forEach(
          (k, v) ->
              path.append(path.indexOf("?") < 0 ? '?' : '&')
                  .append(k)
                  .append('=')
                  .append(segment(v)));
      return output.list(
          context.out(),
          () -> remote.api(context).get(path.toString(), JsonNode.class),
          new String[] {"ID", "SUBJECT", "SCOPE", "FAMILY", "JOB", "ENDPOINT"},
          p ->
              new String[] {
                p.path("id").asText(),
                p.path("subject").asText(),
                p.path("scope").asText(),
                anyIfBlank(p.path("job_family")),
                job(p),
                anyIfBlank(p.path("endpoint"))
              });
    }
  }

  /** A permission's field, or {@code *} (any) when it does not narrow the permission. */
  static String anyIfBlank(JsonNode field) {
    return field.isTextual() && !field.asText().isBlank() ? field.asText() : "*";
  }

  static String job(JsonNode permission) {
    String name = anyIfBlank(permission.path("job_name"));
    return "*".equals(name) ? name : name + " v" + permission.path("job_version").asText("?");
  }

  /** E.g. {@code User: alice may call_job on family adder}. */
  static String describe(JsonNode p) {
    String target;
    if (!"*".equals(job(p))) {
      target = "job " + job(p);
    } else if (!"*".equals(anyIfBlank(p.path("job_family")))) {
      target = "family " + p.path("job_family").asText();
    } else {
      target = "every job";
    }
    String endpoint = anyIfBlank(p.path("endpoint"));
    return p.path("subject").asText()
        + " may "
        + p.path("scope").asText()
        + " on "
        + target
        + ("*".equals(endpoint) ? "" : ", endpoint " + endpoint);
  }

  @Command(
      name = "grant",
      description =
          "Grant a permission: a scope on every job, on a family (--family) or on one job"
              + " version (--job with --job-version), optionally only on one endpoint"
              + " (--endpoint).")
  static final class Grant implements Callable<Integer> {
    @ParentCommand Permission parent;

    @Option(
        names = "--subject-type",
        paramLabel = "TYPE",
        required = true,
        description = "user, esc or job_family.")
    String subjectType;

    @Option(
        names = "--subject",
        paramLabel = "NAME",
        required = true,
        description = "Username, ESC id or family name.")
    String subject;

    @Option(
        names = "--scope",
        paramLabel = "SCOPE",
        required = true,
        description = "One of: ${COMPLETION-CANDIDATES}.",
        completionCandidates = Scopes.class)
    String scope;

    @Option(names = "--family", paramLabel = "FAMILY", description = "Only on this job family.")
    Optional<String> family;

    @Option(
        names = "--job",
        paramLabel = "JOB",
        description = "Only on this job (with --job-version).")
    Optional<String> job;

    @Option(names = "--job-version", paramLabel = "VERSION", description = "The version of --job.")
    Optional<String> jobVersion;

    @Option(
        names = "--endpoint",
        paramLabel = "PATH",
        description = "Only this endpoint, e.g. /api/v1/perform.")
    Optional<String> endpoint;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      if (job.isPresent() != jobVersion.isPresent()) {
        throw new CliException("--job and --job-version go together");
      }
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("subject_type", subjectType(subjectType));
      body.put("subject", subject);
      body.put("scope", scope(scope));
      family.ifPresent(v -> body.put("job_family", v));
      job.ifPresent(v -> body.put("job_name", v));
      jobVersion.ifPresent(v -> body.put("job_version", v));
      endpoint.ifPresent(v -> body.put("endpoint", v));
      JsonNode granted = remote.api(context).post("/api/v1/auth/permissions", body, JsonNode.class);
      context
          .out()
          .println("granted permission " + granted.path("id").asText() + ": " + describe(granted));
      return 0;
    }
  }

  @Command(
      name = "revoke",
      description = "Revoke a permission (its id is in racetrack permission list).")
  static final class Revoke implements Callable<Integer> {
    @ParentCommand Permission parent;

    @Parameters(paramLabel = "ID")
    long id;

    @Mixin RemoteOption remote;

    @Override
    public Integer call() {
      CliContext context = parent.context();
      remote.api(context).delete("/api/v1/auth/permissions/" + id, JsonNode.class);
      context.out().println("revoked permission " + id);
      return 0;
    }
  }

  /** The scope names, for help texts. */
  static final class Scopes implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
      return SCOPES.iterator();
    }
  }
}
