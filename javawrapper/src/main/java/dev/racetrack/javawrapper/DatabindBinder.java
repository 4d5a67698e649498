package dev.racetrack.javawrapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds a JSON request body to the arguments of {@code perform} with Jackson's data binding: the
 * binder of every parameter type, and the judge of every body the plain binder ({@link PlainJson})
 * leaves to it.
 *
 * <p>Rules: the body is a JSON object (an empty body counts as {@code {}}); each key names a
 * parameter and its value is converted by Jackson to the parameter's generic type; every parameter
 * must be present except {@code Optional} ones (then empty); unknown keys are refused. Any
 * violation is a 400 whose message names the argument.
 */
final class DatabindBinder {
  private final List<JobParameter> parameters;
  private final List<JavaType> types;
  private final Set<String> names;

  DatabindBinder(List<JobParameter> parameters) {
    this.parameters = List.copyOf(parameters);
    this.types =
        parameters.stream()
            .map(p -> JobJson.mapper().getTypeFactory().constructType(p.type()))
            .toList();
    this.names = parameters.stream().map(JobParameter::name).collect(Collectors.toSet());
  }

  Object[] bind(byte[] body) {
    ObjectNode object = parseObject(body);
    checkNames(object);
    Object[] arguments = new Object[parameters.size()];
    for (int i = 0; i < arguments.length; i++) {
      JsonNode value =
          object.has(parameters.get(i).name())
              ? object.get(parameters.get(i).name())
              : NullNode.getInstance();
      arguments[i] = convert(parameters.get(i), types.get(i), value);
    }
    return arguments;
  }

  private static ObjectNode parseObject(byte[] body) {
    if (ArgumentBinder.isBlank(body)) {
      return JobJson.mapper().createObjectNode();
    }
    JsonNode tree;
    try {
      tree = JobJson.mapper().readTree(body);
    } catch (JsonProcessingException e) {
      throw badRequest("request body is not valid JSON: " + ArgumentBinder.shortReason(e));
    } catch (IOException e) {
      throw badRequest("request body cannot be read: " + e.getMessage());
    }
    if (tree instanceof ObjectNode object) {
      return object;
    }
    throw badRequest(
        "request body must be a JSON object with the arguments of perform, got "
            + tree.getNodeType().name().toLowerCase(Locale.ROOT));
  }

  private void checkNames(ObjectNode object) {
    List<String> missing =
        parameters.stream()
            .filter(p -> !p.optional() && !object.has(p.name()))
            .map(p -> "'" + p.name() + "'")
            .toList();
    if (!missing.isEmpty()) {
      throw badRequest("missing required argument(s): " + String.join(", ", missing));
    }
    Set<String> unknown = new LinkedHashSet<>();
    object
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!names.contains(name)) {
                unknown.add("'" + name + "'");
              }
            });
    if (!unknown.isEmpty()) {
      throw badRequest(
          "unknown argument(s): %s (perform accepts: %s)"
              .formatted(
                  String.join(", ", unknown),
                  parameters.stream()
                      .map(p -> "'" + p.name() + "'")
                      .collect(Collectors.joining(", "))));
    }
  }

  private static Object convert(JobParameter parameter, JavaType type, JsonNode value) {
    try {
      return JobJson.mapper().readerFor(type).readValue(value);
    } catch (IOException | IllegalArgumentException e) {
      throw badRequest("argument '" + parameter.name() + "': " + ArgumentBinder.shortReason(e));
    }
  }

  private static HttpStatusException badRequest(String message) {
    return new HttpStatusException(400, message);
  }
}
