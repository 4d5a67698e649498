package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.StringJoiner;

/**
 * A parameter of {@code perform}, bound by name from the JSON body.
 *
 * @param name parameter name (the job must be compiled with {@code -parameters})
 * @param type generic type the JSON value is converted to
 */
public record JobParameter(String name, Type type) {
  private static final Set<Class<?>> OPTIONAL_TYPES =
      Set.of(Optional.class, OptionalInt.class, OptionalLong.class, OptionalDouble.class);

  public JobParameter {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
  }

  /** {@code Optional<...>} parameters may be left out of the body (they are then empty). */
  public boolean optional() {
    return OPTIONAL_TYPES.contains(rawClass(type));
  }

  /**
   * Readable generic type, e.g. {@code List<Double>}, {@code Map<String, Object>}, {@code int[]}.
   */
  public String typeName() {
    return typeName(type);
  }

  static String typeName(Type type) {
    return switch (type) {
      case Class<?> c when c.isArray() -> typeName(c.getComponentType()) + "[]";
      case Class<?> c -> c.getSimpleName().isEmpty() ? c.getName() : c.getSimpleName();
      case ParameterizedType p -> typeName(p.getRawType()) + typeArguments(p);
      case GenericArrayType g -> typeName(g.getGenericComponentType()) + "[]";
      case WildcardType w when w.getLowerBounds().length > 0 ->
          "? super " + typeName(w.getLowerBounds()[0]);
      case WildcardType w
          when w.getUpperBounds().length > 0 && w.getUpperBounds()[0] != Object.class ->
          "? extends " + typeName(w.getUpperBounds()[0]);
      case WildcardType w -> "?";
      case TypeVariable<?> v -> v.getName();
      default -> type.getTypeName();
    };
  }

  /** {@code <A, B>}; a loop, not a stream: named in the log line of every start. */
  private static String typeArguments(ParameterizedType type) {
    StringJoiner arguments = new StringJoiner(", ", "<", ">");
    for (Type argument : type.getActualTypeArguments()) {
      arguments.add(typeName(argument));
    }
    return arguments.toString();
  }

  /** The class behind a type ({@code List} for {@code List<Double>}), {@code Object} if none. */
  static Class<?> rawClass(Type type) {
    return switch (type) {
      case Class<?> c -> c;
      case ParameterizedType p -> rawClass(p.getRawType());
      case GenericArrayType g -> rawClass(g.getGenericComponentType()).arrayType();
      default -> Object.class;
    };
  }
}
