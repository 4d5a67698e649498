package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * A loaded job: an instance of the entrypoint class with its validated {@code perform} method.
 *
 * <p>The contract: a public class with a public no-argument constructor and exactly one public
 * method named {@code perform} (compiled with {@code -parameters}), optionally {@code
 * docsInputExample()} returning a JSON-encodable {@code Map} (at most 1 MiB) and {@code metrics()}
 * returning a list of {@code {name, value, description?, labels?}} maps, and {@code
 * websocketEndpoints()} returning a {@code Map<String, WebSocketHandler>} from paths (relative to
 * the job, e.g. {@code /ws/echo}) to {@link WebSocketHandler}s.
 */
public final class Entrypoint {
  static final int MAX_INPUT_EXAMPLE_BYTES = 1024 * 1024;

  /** Paths of the wrapper's own routes, which a websocket endpoint cannot take. */
  static final java.util.Set<String> RESERVED_PATHS =
      java.util.Set.of(
          "/",
          "/live",
          "/ready",
          "/health",
          "/metrics",
          "/openapi.json",
          "/api/v1/parameters",
          "/api/v1/perform");

  private final Object instance;
  private final Method perform;
  private final List<JobParameter> parameters;
  private final Optional<byte[]> inputExample;
  private final Optional<Method> metrics;
  private final Map<String, WebSocketHandler> webSocketEndpoints;

  private Entrypoint(Object instance, Method perform, Optional<Method> metrics) {
    this.instance = instance;
    this.perform = perform;
    // loops, not streams, on the start path: each stream shape loads its own pipeline classes
    List<JobParameter> named = new ArrayList<>();
    for (Parameter parameter : perform.getParameters()) {
      named.add(new JobParameter(parameter.getName(), parameter.getParameterizedType()));
    }
    this.parameters = List.copyOf(named);
    this.metrics = metrics;
    this.inputExample = readInputExample(instance);
    this.webSocketEndpoints = readWebSocketEndpoints(instance);
  }

  /** Loads a class by name with the context class loader, then {@link #load(Class)}. */
  public static Entrypoint load(String className) throws ReflectiveOperationException {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return load(Class.forName(className, true, loader));
  }

  /**
   * Validates the class against the contract, then instantiates it.
   *
   * @throws JobInitException when the class breaks the contract
   * @throws InvocationTargetException when the constructor throws
   */
  public static Entrypoint load(Class<?> entrypointClass) throws ReflectiveOperationException {
    String name = entrypointClass.getName();
    int modifiers = entrypointClass.getModifiers();
    if (!Modifier.isPublic(modifiers)
        || Modifier.isAbstract(modifiers)
        || entrypointClass.isInterface()) {
      throw new JobInitException("entrypoint class " + name + " must be a public concrete class");
    }
    Method perform = findPerform(entrypointClass);
    Constructor<?> constructor;
    try {
      constructor = entrypointClass.getConstructor();
    } catch (NoSuchMethodException e) {
      throw new JobInitException(
          "entrypoint class " + name + " must have a public no-argument constructor", e);
    }
    return new Entrypoint(
        constructor.newInstance(), perform, findOptional(entrypointClass, "metrics"));
  }

  /** Wraps an already created job instance (validated like {@link #load(Class)}). */
  public static Entrypoint of(Object instance) {
    requireNonNull(instance, "instance");
    Class<?> entrypointClass = instance.getClass();
    return new Entrypoint(
        instance, findPerform(entrypointClass), findOptional(entrypointClass, "metrics"));
  }

  static Method findPerform(Class<?> entrypointClass) {
    List<Method> performs = new ArrayList<>();
    for (Method method : entrypointClass.getMethods()) {
      if (method.getName().equals("perform") && !method.isBridge() && !method.isSynthetic()) {
        performs.add(method);
      }
    }
    if (performs.size() != 1) {
      throw new JobInitException(
          "entrypoint class %s must have exactly one public method named perform, found %d"
              .formatted(entrypointClass.getName(), performs.size()));
    }
    Method perform = performs.get(0);
    checkParameterNames(entrypointClass, perform.getParameters());
    return perform;
  }

  static void checkParameterNames(Class<?> entrypointClass, Parameter[] parameters) {
    List<String> unnamed = new ArrayList<>();
    for (Parameter parameter : parameters) {
      if (!parameter.isNamePresent()) {
        unnamed.add(parameter.getName());
      }
    }
    if (!unnamed.isEmpty()) {
      throw new JobInitException(
          "parameter names of %s.perform are not available (%s): compile the job with javac -parameters"
              .formatted(entrypointClass.getName(), String.join(", ", unnamed)));
    }
  }

  private static Optional<Method> findOptional(Class<?> entrypointClass, String name) {
    try {
      return Optional.of(entrypointClass.getMethod(name));
    } catch (NoSuchMethodException e) {
      return Optional.empty();
    }
  }

  private static Optional<byte[]> readInputExample(Object instance) {
    Optional<Method> method = findOptional(instance.getClass(), "docsInputExample");
    if (method.isEmpty()) {
      return Optional.empty();
    }
    String where = instance.getClass().getName() + ".docsInputExample()";
    Object example = invoke(method.get(), instance, where);
    if (!(example instanceof Map<?, ?>)) {
      throw new JobInitException(where + " must return a Map, got " + describeType(example));
    }
    byte[] json;
    try {
      json = JobJson.writeValue(example);
    } catch (Exception e) {
      throw new JobInitException(where + " is not JSON-encodable: " + e.getMessage(), e);
    }
    if (json.length > MAX_INPUT_EXAMPLE_BYTES) {
      throw new JobInitException(
          "%s is too large: %d bytes, at most %d allowed"
              .formatted(where, json.length, MAX_INPUT_EXAMPLE_BYTES));
    }
    return Optional.of(json);
  }

  private static Map<String, WebSocketHandler> readWebSocketEndpoints(Object instance) {
    Optional<Method> method = findOptional(instance.getClass(), "websocketEndpoints");
    if (method.isEmpty()) {
      return Map.of();
    }
    String where = instance.getClass().getName() + ".websocketEndpoints()";
    if (!(invoke(method.get(), instance, where) instanceof Map<?, ?> endpoints)) {
      throw new JobInitException(where + " must return a Map<String, WebSocketHandler>");
    }
    Map<String, WebSocketHandler> checked = new java.util.LinkedHashMap<>();
    endpoints.forEach(
        (path, handler) -> {
          if (!(path instanceof String p) || !p.startsWith("/") || RESERVED_PATHS.contains(p)) {
            throw new JobInitException(
                where
                    + ": path '"
                    + path
                    + "' must start with / and not be one of the wrapper's routes "
                    + RESERVED_PATHS);
          }
          if (!(handler instanceof WebSocketHandler h)) {
            throw new JobInitException(
                where
                    + ": the endpoint at "
                    + p
                    + " must be a WebSocketHandler, got "
                    + describeType(handler));
          }
          checked.put(p, h);
        });
    return Map.copyOf(checked);
  }

  private static Object invoke(Method method, Object instance, String where) {
    try {
      return method.invoke(instance);
    } catch (InvocationTargetException e) {
      throw new JobInitException(where + " failed: " + JobLog.describe(e.getCause()), e.getCause());
    } catch (IllegalAccessException e) {
      throw new JobInitException(where + " is not accessible", e);
    }
  }

  private static String describeType(Object value) {
    return value == null ? "null" : value.getClass().getName();
  }

  /** Name of the entrypoint class. */
  public String className() {
    return instance.getClass().getName();
  }

  public List<JobParameter> parameters() {
    return parameters;
  }

  /**
   * The {@code docsInputExample()} of the job, as JSON (read into a tree only when the job's
   * OpenAPI document is built).
   */
  public Optional<JsonNode> inputExample() {
    return inputExample.map(
        json -> {
          try {
            return JobJson.mapper().readTree(json);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  /** The job's WebSocket endpoints by path (empty when it declares none). */
  public Map<String, WebSocketHandler> webSocketEndpoints() {
    return webSocketEndpoints;
  }

  /**
   * Calls {@code perform}.
   *
   * @throws InvocationTargetException wrapping whatever perform threw
   */
  Object perform(Object[] arguments) throws InvocationTargetException, IllegalAccessException {
    return perform.invoke(instance, arguments);
  }

  /** Custom gauges from {@code metrics()}, or nothing when the job has no such method. */
  Optional<Object> customMetrics() throws InvocationTargetException, IllegalAccessException {
    if (metrics.isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(metrics.get().invoke(instance));
  }

  @Override
  public String toString() {
    StringJoiner signature = new StringJoiner(", ", className() + ".perform(", ")");
    for (JobParameter parameter : parameters) { // no stream: logged once, at every start
      signature.add(parameter.typeName() + " " + parameter.name());
    }
    return signature.toString();
  }
}
