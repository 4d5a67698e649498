package dev.racetrack.lifecycle.graph;

import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.ValidationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The part of a graph within {@code depth} edges of a node (edges followed both ways). */
final class Neighbourhood {
  static final int MAX_DEPTH = 5;

  private Neighbourhood() {}

  static PermissionGraph.Graph around(PermissionGraph.Graph graph, String nodeId, int depth) {
    if (depth < 1 || depth > MAX_DEPTH) {
      throw new ValidationException("depth must be between 1 and " + MAX_DEPTH + ", got " + depth);
    }
    if (graph.nodes().stream().noneMatch(n -> n.id().equals(nodeId))) {
      throw new NotFoundException("node '" + nodeId + "' is not in the graph you may see");
    }
    Map<String, List<String>> adjacent = new HashMap<>();
    for (PermissionGraph.Edge e : graph.edges()) {
      adjacent.computeIfAbsent(e.fromId(), k -> new ArrayList<>()).add(e.toId());
      adjacent.computeIfAbsent(e.toId(), k -> new ArrayList<>()).add(e.fromId());
    }
    Set<String> reached = new HashSet<>(Set.of(nodeId));
    Set<String> frontier = Set.of(nodeId);
    for (int step = 0; step < depth && !frontier.isEmpty(); step++) {
      Set<String> next = new HashSet<>();
      for (String id : frontier) {
        for (String other : adjacent.getOrDefault(id, List.of())) {
          if (reached.add(other)) {
            next.add(other);
          }
        }
      }
      frontier = next;
    }
    return new PermissionGraph.Graph(
        graph.nodes().stream().filter(n -> reached.contains(n.id())).toList(),
        graph.edges().stream()
            .filter(e -> reached.contains(e.fromId()) && reached.contains(e.toId()))
            .toList());
  }
}
