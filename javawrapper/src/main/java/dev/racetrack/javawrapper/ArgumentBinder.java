package dev.racetrack.javawrapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Binds a JSON request body to the arguments of {@code perform}.
 *
 * <p>Rules: the body is a JSON object (an empty body counts as {@code {}}); each key names a
 * parameter and its value is converted by Jackson to the parameter's generic type; every parameter
 * must be present except {@code Optional} ones (then empty); unknown keys are refused. Any
 * violation is a 400 whose message names the argument.
 *
 * <p>When every parameter has a plain type (strings, whole and decimal numbers, booleans, {@code
 * Object}, and lists, arrays, string-keyed maps and {@code Optional}s of them), a body is first
 * read with Jackson's streaming parser alone ({@link PlainJson}), which gives the same arguments as
 * the data binding; the data binding ({@link DatabindBinder}) is loaded only for other types and
 * for the bodies the plain reading leaves to it, so every refusal keeps its message.
 */
final class ArgumentBinder {
  private static final int MAX_REASON_LENGTH = 300;
  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  private final List<JobParameter> parameters;
  private final Optional<PlainJson.Plan> plain;
  private volatile DatabindBinder databind;

  ArgumentBinder(List<JobParameter> parameters) {
    this.parameters = List.copyOf(parameters);
    this.plain = PlainJson.plan(this.parameters);
    if (plain.isEmpty()) {
      databind = new DatabindBinder(this.parameters);
    }
  }

  /** Whether bodies are read without Jackson's data binding (when they bind as plain values). */
  boolean plain() {
    return plain.isPresent();
  }

  Object[] bind(byte[] body) {
    if (plain.isPresent()) {
      Object[] arguments = plain.get().read(isBlank(body) ? EMPTY_OBJECT : body);
      if (arguments != PlainJson.NOT_PLAIN) {
        return arguments;
      }
    }
    return databind().bind(body);
  }

  private DatabindBinder databind() {
    DatabindBinder binder = databind;
    if (binder == null) {
      synchronized (this) {
        binder = databind;
        if (binder == null) {
          binder = new DatabindBinder(parameters);
          databind = binder;
        }
      }
    }
    return binder;
  }

  static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** Jackson's message without the source location and reference chain, plus the JSON path. */
  static String shortReason(Exception error) {
    String reason = error.getMessage();
    String where = "";
    if (error instanceof JsonProcessingException processing) {
      reason = processing.getOriginalMessage();
    }
    if (error instanceof JsonMappingException mapping) {
      where = pathOf(mapping.getPath());
    }
    reason = reason == null ? error.getClass().getSimpleName() : reason.strip();
    if (reason.length() > MAX_REASON_LENGTH) {
      reason = reason.substring(0, MAX_REASON_LENGTH) + "...";
    }
    return where.isEmpty() ? reason : reason + " (at " + where + ")";
  }

  private static String pathOf(List<JsonMappingException.Reference> references) {
    List<String> parts = new ArrayList<>();
    for (JsonMappingException.Reference reference : references) {
      if (reference.getIndex() >= 0) {
        parts.add("[" + reference.getIndex() + "]");
      } else if (reference.getFieldName() != null) {
        parts.add((parts.isEmpty() ? "" : ".") + reference.getFieldName());
      }
    }
    return String.join("", parts);
  }
}
