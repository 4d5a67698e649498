package dev.racetrack.javawrapper;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.WildcardType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.net.URI;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * JSON schemas (OpenAPI 3.0 flavour) of Java types: numbers, strings, booleans, collections and
 * arrays, maps, enums, records and classes with public fields, {@code Optional<X>} as a nullable X;
 * anything else is {@code {}} (any value).
 */
final class JsonSchemas {
  private static final Map<Class<?>, String[]> SCALARS =
      Map.ofEntries(
          Map.entry(int.class, new String[] {"integer", "int32"}),
          Map.entry(Integer.class, new String[] {"integer", "int32"}),
          Map.entry(short.class, new String[] {"integer", "int32"}),
          Map.entry(Short.class, new String[] {"integer", "int32"}),
          Map.entry(byte.class, new String[] {"integer", "int32"}),
          Map.entry(Byte.class, new String[] {"integer", "int32"}),
          Map.entry(long.class, new String[] {"integer", "int64"}),
          Map.entry(Long.class, new String[] {"integer", "int64"}),
          Map.entry(BigInteger.class, new String[] {"integer"}),
          Map.entry(double.class, new String[] {"number", "double"}),
          Map.entry(Double.class, new String[] {"number", "double"}),
          Map.entry(float.class, new String[] {"number", "float"}),
          Map.entry(Float.class, new String[] {"number", "float"}),
          Map.entry(BigDecimal.class, new String[] {"number"}),
          Map.entry(Number.class, new String[] {"number"}),
          Map.entry(String.class, new String[] {"string"}),
          Map.entry(CharSequence.class, new String[] {"string"}),
          Map.entry(char.class, new String[] {"string"}),
          Map.entry(Character.class, new String[] {"string"}),
          Map.entry(UUID.class, new String[] {"string", "uuid"}),
          Map.entry(URI.class, new String[] {"string", "uri"}),
          Map.entry(byte[].class, new String[] {"string", "byte"}),
          Map.entry(boolean.class, new String[] {"boolean"}),
          Map.entry(Boolean.class, new String[] {"boolean"}),
          Map.entry(OptionalInt.class, new String[] {"integer", "int32"}),
          Map.entry(OptionalLong.class, new String[] {"integer", "int64"}),
          Map.entry(OptionalDouble.class, new String[] {"number", "double"}));

  /** Classes being described, to stop at self-referencing types. */
  private final Set<Class<?>> visiting = new HashSet<>();

  private JsonSchemas() {}

  static ObjectNode of(Type type) {
    return new JsonSchemas().schema(type);
  }

  private ObjectNode schema(Type type) {
    return switch (type) {
      case Class<?> c -> classSchema(c);
      case ParameterizedType p -> parameterized(p);
      case GenericArrayType g -> array(schema(g.getGenericComponentType()));
      case WildcardType w when w.getLowerBounds().length == 0 && w.getUpperBounds().length == 1 ->
          schema(w.getUpperBounds()[0]);
      default -> any();
    };
  }

  private ObjectNode classSchema(Class<?> type) {
    String[] scalar = SCALARS.get(type);
    if (scalar != null) {
      ObjectNode schema = any().put("type", scalar[0]);
      if (scalar.length > 1) {
        schema.put("format", scalar[1]);
      }
      if (type.getName().startsWith("java.util.Optional")) {
        schema.put("nullable", true);
      }
      return schema;
    }
    if (type.isArray()) {
      return array(schema(type.getComponentType()));
    }
    if (type.isEnum()) {
      ObjectNode schema = any().put("type", "string");
      ArrayNode values = schema.putArray("enum");
      for (Object constant : type.getEnumConstants()) {
        values.add(((Enum<?>) constant).name());
      }
      return schema;
    }
    if (Iterable.class.isAssignableFrom(type)) {
      return array(any());
    }
    if (Map.class.isAssignableFrom(type)) {
      return any().put("type", "object");
    }
    if (type == Optional.class) {
      return any().put("nullable", true);
    }
    if (type.isRecord() || isPlainObject(type)) {
      return objectSchema(type);
    }
    return any();
  }

  private ObjectNode parameterized(ParameterizedType type) {
    Class<?> raw = JobParameter.rawClass(type);
    Type[] arguments = type.getActualTypeArguments();
    if (raw == Optional.class) {
      return schema(arguments[0]).put("nullable", true);
    }
    if (Iterable.class.isAssignableFrom(raw) && arguments.length == 1) {
      return array(schema(arguments[0]));
    }
    if (Map.class.isAssignableFrom(raw) && arguments.length == 2) {
      ObjectNode schema = any().put("type", "object");
      ObjectNode values = schema(arguments[1]);
      if (!values.isEmpty()) {
        schema.set("additionalProperties", values);
      }
      return schema;
    }
    return classSchema(raw);
  }

  private ObjectNode objectSchema(Class<?> type) {
    if (!visiting.add(type)) {
      return any().put("type", "object");
    }
    ObjectNode schema = any().put("type", "object");
    ObjectNode properties = schema.putObject("properties");
    if (type.isRecord()) {
      for (RecordComponent component : type.getRecordComponents()) {
        properties.set(component.getName(), schema(component.getGenericType()));
      }
    } else {
      for (Field field : type.getFields()) {
        if (!Modifier.isStatic(field.getModifiers())) {
          properties.set(field.getName(), schema(field.getGenericType()));
        }
      }
    }
    visiting.remove(type);
    return schema;
  }

  /** A concrete class of the job's own (not of the JDK or Jackson) with public fields. */
  private static boolean isPlainObject(Class<?> type) {
    String name = type.getName();
    boolean library =
        name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("com.fasterxml.");
    return !library
        && !type.isInterface()
        && !Modifier.isAbstract(type.getModifiers())
        && !JsonNode.class.isAssignableFrom(type)
        && type.getFields().length > 0;
  }

  private static ObjectNode array(ObjectNode items) {
    ObjectNode schema = any().put("type", "array");
    schema.set("items", items);
    return schema;
  }

  private static ObjectNode any() {
    return JobJson.mapper().createObjectNode();
  }
}
