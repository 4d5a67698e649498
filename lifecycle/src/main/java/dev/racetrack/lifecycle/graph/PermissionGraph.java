package dev.racetrack.lifecycle.graph;

import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.SubjectType;
import dev.racetrack.lifecycle.job.Jobs;
import dev.racetrack.model.Job;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Jdbi;

/**
 * The permission graph (§10.6): job families with their jobs, ESCs and users, and who may call
 * what. A page can show a node with its neighbours when it is clicked, from {@code edges} alone.
 */
public final class PermissionGraph {
  /** A node: {@code job-family}, {@code job}, {@code esc}, {@code user}, or {@code all-jobs}. */
  public record Node(String id, String type, String title, String subtitle) {}

  /**
   * An edge: {@code contains} (family → job) or {@code can_call} (subject → family, job or all
   * jobs).
   */
  public record Edge(String fromId, String toId, String type) {}

  public record Graph(List<Node> nodes, List<Edge> edges) {}

  private record CallPermission(
      String subjectKind, String subjectId, String subjectName, String family, String jobId) {}

  private final Jdbi jdbi;
  private final Jobs jobs;
  private final Authorizer authorizer;
  private final String externalPubUrl;

  public PermissionGraph(Jdbi jdbi, Jobs jobs, Authorizer authorizer, String externalPubUrl) {
    this.jdbi = jdbi;
    this.jobs = jobs;
    this.authorizer = authorizer;
    this.externalPubUrl = externalPubUrl;
  }

  /**
   * The graph of the jobs the caller may read. Other users appear only to staff: everyone else sees
   * ESCs, families and themselves.
   */
  public Graph build(Caller caller) {
    List<Job> visible = jobs.list(caller);
    boolean staff = authorizer.isStaff(caller);
    Set<String> families = visible.stream().map(Job::name).collect(Collectors.toSet());
    Set<String> jobIds = visible.stream().map(Job::id).collect(Collectors.toSet());
    Map<String, Node> nodes = new LinkedHashMap<>();
    List<Edge> edges = new ArrayList<>();
    Map<String, List<Job>> byFamily =
        visible.stream()
            .collect(Collectors.groupingBy(Job::name, LinkedHashMap::new, Collectors.toList()));
    byFamily.forEach(
        (family, familyJobs) -> {
          String subtitle =
              familyJobs.stream()
                  .map(
                      j ->
                          "- "
                              + j.name()
                              + " v"
                              + j.version()
                              + " - "
                              + externalPubUrl
                              + "/job/"
                              + j.name()
                              + "/"
                              + j.version())
                  .collect(Collectors.joining("\n"));
          nodes.put(
              familyId(family),
              new Node(familyId(family), "job-family", family, "Job family\n" + subtitle));
          for (Job job : familyJobs) {
            nodes.put(
                "job-" + job.id(),
                new Node(
                    "job-" + job.id(),
                    "job",
                    job.name() + " v" + job.version(),
                    job.status().wireName()
                        + " - "
                        + externalPubUrl
                        + "/job/"
                        + job.name()
                        + "/"
                        + job.version()));
            edges.add(new Edge(familyId(family), "job-" + job.id(), "contains"));
          }
        });
    for (CallPermission permission : callPermissions()) {
      if (permission.subjectKind().equals("user")
          && !staff
          && !(caller.type() == SubjectType.USER
              && caller.subject().equals(permission.subjectName()))) {
        continue;
      }
      String target;
      if (permission.jobId() != null) {
        if (!jobIds.contains(permission.jobId())) {
          continue;
        }
        target = "job-" + permission.jobId();
      } else if (permission.family() != null) {
        if (!families.contains(permission.family())) {
          continue;
        }
        target = familyId(permission.family());
      } else {
        nodes.putIfAbsent(
            "all-jobs",
            new Node(
                "all-jobs", "all-jobs", "every job", "Callers with permission to call any job"));
        target = "all-jobs";
      }
      String source = subjectNode(permission, nodes);
      if (!source.equals(target)) {
        Edge edge = new Edge(source, target, "can_call");
        if (!edges.contains(edge)) {
          edges.add(edge);
        }
      }
    }
    return new Graph(List.copyOf(nodes.values()), edges);
  }

  private String subjectNode(CallPermission permission, Map<String, Node> nodes) {
    return switch (permission.subjectKind()) {
      case "esc" -> {
        String id = "esc-" + permission.subjectId();
        nodes.putIfAbsent(
            id, new Node(id, "esc", permission.subjectName(), "ESC:\n" + permission.subjectId()));
        yield id;
      }
      case "user" -> {
        String id = "user-" + permission.subjectName();
        nodes.putIfAbsent(id, new Node(id, "user", permission.subjectName(), "User"));
        yield id;
      }
      default -> {
        String id = familyId(permission.subjectName());
        nodes.putIfAbsent(id, new Node(id, "job-family", permission.subjectName(), "Job family"));
        yield id;
      }
    };
  }

  private static String familyId(String family) {
    return "job-family-" + family;
  }

  private List<CallPermission> callPermissions() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT CASE WHEN s.user_id IS NOT NULL THEN 'user' WHEN s.esc_id IS NOT NULL THEN 'esc' ELSE 'job_family' END AS kind,
                      COALESCE(CAST(s.user_id AS VARCHAR), s.esc_id, s.job_family_id) AS subject_id,
                      COALESCE(u.username, e.name, sf.name) AS subject_name, f.name AS family, p.job_id
                    FROM registry_authresourcepermission p
                    JOIN registry_authsubject s ON s.id = p.auth_subject_id
                    LEFT JOIN auth_user u ON u.id = s.user_id
                    LEFT JOIN registry_esc e ON e.id = s.esc_id
                    LEFT JOIN registry_jobfamily sf ON sf.id = s.job_family_id
                    LEFT JOIN registry_jobfamily f ON f.id = p.job_family_id
                    WHERE p.scope IN ('call_job', 'full_access')
                    ORDER BY kind, subject_name
                    """)
                .map(
                    (rs, ctx) ->
                        new CallPermission(
                            rs.getString("kind"),
                            rs.getString("subject_id"),
                            rs.getString("subject_name"),
                            rs.getString("family"),
                            rs.getString("job_id")))
                .list());
  }
}
