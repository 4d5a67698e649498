package dev.racetrack.lifecycle.graph;

import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.auth.PermissionRepository.CallPermission;
import dev.racetrack.lifecycle.auth.SubjectType;
import dev.racetrack.lifecycle.job.JobListing;
import dev.racetrack.lifecycle.job.JobUrls;
import dev.racetrack.model.Job;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The permission graph (§10.6): job families with their jobs, ESCs and users, and who may call
 * what. A page can show a node with its neighbours when it is clicked, from {@code edges} alone.
 *
 * <p>Nodes and edges go to a {@link Sink} as they are made: the job nodes are written family by
 * family while one pass over the jobs' id, name, version and status streams from the database; the
 * call permissions, the ids of the visible jobs and their {@code contains} edges are held (a few
 * hundred bytes a job) until the nodes are out.
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

  /** Where the graph goes: every node is given before the first edge. */
  public interface Sink {
    void node(Node node);

    void edge(Edge edge);
  }

  private final PermissionRepository permissions;
  private final JobListing jobs;
  private final Authorizer authorizer;
  private final JobUrls urls;

  public PermissionGraph(
      PermissionRepository permissions, JobListing jobs, Authorizer authorizer, JobUrls urls) {
    this.permissions = permissions;
    this.jobs = jobs;
    this.authorizer = authorizer;
    this.urls = urls;
  }

  /** Checks that the caller may read the graph at all (before an answer starts). */
  public void requireReader(Caller caller) {
    jobs.reader(caller);
  }

  /**
   * The graph of the jobs the caller may read (of one family, or all), given to {@code sink}. Other
   * users appear only to staff: everyone else sees ESCs, families and themselves. With a family,
   * the graph holds that family, its jobs, and who may call them.
   */
  public void write(Caller caller, Optional<String> family, Sink sink) {
    Set<String> families = new HashSet<>();
    Set<String> jobIds = new HashSet<>();
    List<Edge> contains = new ArrayList<>();
    List<Job> current = new ArrayList<>();
    String[] currentId = {""};
    jobs.forEachByFamily(
        caller,
        family,
        job -> {
          if (current.isEmpty() || !current.getFirst().name().equals(job.name())) {
            if (!current.isEmpty()) {
              writeFamily(current, sink);
              current.clear();
            }
            currentId[0] = familyId(job.name());
          }
          current.add(job);
          families.add(job.name());
          jobIds.add(job.id());
          contains.add(new Edge(currentId[0], "job-" + job.id(), "contains"));
        });
    if (!current.isEmpty()) {
      writeFamily(current, sink);
    }
    Map<String, Node> subjects = new LinkedHashMap<>();
    Set<Edge> calls = new LinkedHashSet<>();
    for (CallPermission permission : permissions.callPermissions(family)) {
      canCall(caller, permission, families, jobIds, subjects).ifPresent(calls::add);
    }
    subjects.values().forEach(sink::node);
    contains.forEach(sink::edge);
    calls.forEach(sink::edge);
  }

  /** The whole graph (of one family, or all) in memory. */
  public Graph build(Caller caller, Optional<String> family) {
    List<Node> nodes = new ArrayList<>();
    List<Edge> edges = new ArrayList<>();
    write(
        caller,
        family,
        new Sink() {
          @Override
          public void node(Node node) {
            nodes.add(node);
          }

          @Override
          public void edge(Edge edge) {
            edges.add(edge);
          }
        });
    return new Graph(nodes, edges);
  }

  private void writeFamily(List<Job> familyJobs, Sink sink) {
    String family = familyJobs.getFirst().name();
    StringBuilder subtitle = new StringBuilder("Job family");
    for (Job j : familyJobs) {
      subtitle.append("\n- ").append(j.name()).append(" v").append(j.version()).append(" - ");
      subtitle.append(pubUrl(j));
    }
    sink.node(new Node(familyId(family), "job-family", family, subtitle.toString()));
    for (Job job : familyJobs) {
      sink.node(
          new Node(
              "job-" + job.id(),
              "job",
              job.name() + " v" + job.version(),
              job.status().wireName() + " - " + pubUrl(job)));
    }
  }

  private String pubUrl(Job job) {
    return urls.of(job.name(), job.version());
  }

  /** The edge of a permission the caller may see, adding its subject's node when new. */
  private Optional<Edge> canCall(
      Caller caller,
      CallPermission permission,
      Set<String> families,
      Set<String> jobIds,
      Map<String, Node> subjects) {
    if (permission.subjectKind().equals("user")
        && !authorizer.isStaff(caller)
        && !(caller.type() == SubjectType.USER
            && caller.subject().equals(permission.subjectName()))) {
      return Optional.empty();
    }
    String target;
    if (permission.jobId().isPresent()) {
      if (!jobIds.contains(permission.jobId().get())) {
        return Optional.empty();
      }
      target = "job-" + permission.jobId().get();
    } else if (permission.family().isPresent()) {
      if (!families.contains(permission.family().get())) {
        return Optional.empty();
      }
      target = familyId(permission.family().get());
    } else {
      subjects.putIfAbsent(
          "all-jobs",
          new Node("all-jobs", "all-jobs", "every job", "Callers with permission to call any job"));
      target = "all-jobs";
    }
    String source = subjectNode(permission, families, subjects);
    return source.equals(target)
        ? Optional.empty()
        : Optional.of(new Edge(source, target, "can_call"));
  }

  private static String subjectNode(
      CallPermission permission, Set<String> families, Map<String, Node> subjects) {
    return switch (permission.subjectKind()) {
      case "esc" -> {
        String id = "esc-" + permission.subjectId();
        subjects.putIfAbsent(
            id, new Node(id, "esc", permission.subjectName(), "ESC:\n" + permission.subjectId()));
        yield id;
      }
      case "user" -> {
        String id = "user-" + permission.subjectName();
        subjects.putIfAbsent(id, new Node(id, "user", permission.subjectName(), "User"));
        yield id;
      }
      default -> {
        String id = familyId(permission.subjectName());
        if (!families.contains(permission.subjectName())) {
          subjects.putIfAbsent(
              id, new Node(id, "job-family", permission.subjectName(), "Job family"));
        }
        yield id;
      }
    };
  }

  static String familyId(String family) {
    return "job-family-" + family;
  }
}
