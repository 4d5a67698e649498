package dev.racetrack.javawrapper;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.BufferRecyclers;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JSON of plain values with Jackson's streaming API only, so a job whose {@code perform} takes and
 * returns plain values (strings, numbers, booleans, lists, arrays and string-keyed maps of them)
 * never loads Jackson's data binding: its ~600 classes, their metadata and compiled code cost a
 * java job about a seventh of its resident memory.
 *
 * <p>Both directions give exactly what the data binding of {@link JobJson#mapper()} gives for the
 * same value ({@code PlainJsonTest} compares them value by value); anything else is left to it:
 * {@link #write} answers {@code null} for a value that is not plain, and {@link Plan#read} answers
 * {@link #NOT_PLAIN} for a body it cannot bind exactly as the data binding would (a wrong type, a
 * number out of range, a duplicate key), so that the data binding decides, with its own message.
 */
final class PlainJson {
  /** A parse or conversion the data binding must decide. */
  static final Object[] NOT_PLAIN = new Object[0];

  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** Nesting deeper than this is left to the data binding (and its limits). */
  private static final int MAX_DEPTH = 64;

  private PlainJson() {}

  // ---- writing ---------------------------------------------------------------------------------

  /** The JSON of a plain value, or {@code null} when the value is not plain. */
  static byte[] write(Object value) {
    if (!isPlain(value, 0)) {
      return null;
    }
    try (ByteArrayBuilder out = new ByteArrayBuilder(BufferRecyclers.getBufferRecycler());
        JsonGenerator generator = FACTORY.createGenerator(out)) {
      writeValue(generator, value);
      generator.flush();
      return out.toByteArray();
    } catch (IOException e) {
      return null;
    }
  }

  private static boolean isPlain(Object value, int depth) {
    if (depth > MAX_DEPTH) {
      return false;
    }
    return switch (value) {
      case null -> true;
      case String s -> true;
      case Boolean b -> true;
      case Integer i -> true;
      case Long l -> true;
      case Double d -> true;
      case Float f -> true;
      case Short s -> true;
      case BigInteger b -> true;
      case BigDecimal b -> true;
      case int[] a -> true;
      case long[] a -> true;
      case double[] a -> true;
      case boolean[] a -> true;
      case Object[] a -> allPlain(a, depth);
      case Map<?, ?> m when isJdkCollection(m) -> plainEntries(m, depth);
      case Collection<?> c when isJdkCollection(c) -> allPlain(c, depth);
      default -> false;
    };
  }

  /**
   * The JDK's own maps and collections only: a job's subclass may carry Jackson annotations that
   * change how it is written.
   */
  private static boolean isJdkCollection(Object value) {
    String name = value.getClass().getName();
    return name.startsWith("java.util.") && !name.startsWith("java.util.concurrent.");
  }

  private static boolean allPlain(Object[] values, int depth) {
    for (Object v : values) {
      if (!isPlain(v, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  private static boolean allPlain(Collection<?> values, int depth) {
    for (Object v : values) {
      if (!isPlain(v, depth + 1)) {
        return false;
      }
    }
    return true;
  }

  private static boolean plainEntries(Map<?, ?> map, int depth) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String) || !isPlain(e.getValue(), depth + 1)) {
        return false;
      }
    }
    return true;
  }

  private static void writeValue(JsonGenerator g, Object value) throws IOException {
    switch (value) {
      case null -> g.writeNull();
      case String s -> g.writeString(s);
      case Boolean b -> g.writeBoolean(b);
      case Integer i -> g.writeNumber(i);
      case Long l -> g.writeNumber(l);
      case Double d -> g.writeNumber(d);
      case Float f -> g.writeNumber(f);
      case Short s -> g.writeNumber(s);
      case BigInteger b -> g.writeNumber(b);
      case BigDecimal b -> g.writeNumber(b);
      case int[] a -> g.writeArray(a, 0, a.length);
      case long[] a -> g.writeArray(a, 0, a.length);
      case double[] a -> g.writeArray(a, 0, a.length);
      case boolean[] a -> {
        g.writeStartArray(a, a.length);
        for (boolean b : a) {
          g.writeBoolean(b);
        }
        g.writeEndArray();
      }
      case Object[] a -> {
        g.writeStartArray(a, a.length);
        for (Object v : a) {
          writeValue(g, v);
        }
        g.writeEndArray();
      }
      case Map<?, ?> m -> {
        g.writeStartObject(m);
        for (Map.Entry<?, ?> e : m.entrySet()) {
          g.writeFieldName((String) e.getKey());
          writeValue(g, e.getValue());
        }
        g.writeEndObject();
      }
      case Collection<?> c -> {
        g.writeStartArray(c);
        for (Object v : c) {
          writeValue(g, v);
        }
        g.writeEndArray();
      }
      default -> throw new IllegalStateException("not a plain value: " + value.getClass());
    }
  }

  // ---- reading ---------------------------------------------------------------------------------

  /**
   * How the arguments of {@code perform} are read from a body when every parameter has a plain
   * type, or empty when one has not.
   */
  static Optional<Plan> plan(List<JobParameter> parameters) {
    List<Reader> readers = new ArrayList<>();
    for (JobParameter parameter : parameters) {
      Reader reader = reader(parameter.type());
      if (reader == null) {
        return Optional.empty();
      }
      readers.add(reader);
    }
    return Optional.of(new Plan(parameters, readers));
  }

  /** Reads one JSON value (the parser is on its first token) as a parameter type would bind. */
  private interface Reader {
    /** The value, or {@link #NOT_PLAIN}. */
    Object read(JsonParser p, int depth) throws IOException;

    /** The value of a parameter left out of the body: only an {@code Optional} has one. */
    default Object absent() {
      return NOT_PLAIN;
    }
  }

  /** Binds a body to the parameters, or answers {@link #NOT_PLAIN}. */
  static final class Plan {
    private final List<String> names;
    private final List<Reader> readers;

    private Plan(List<JobParameter> parameters, List<Reader> readers) {
      List<String> parameterNames = new ArrayList<>(); // no stream on the call path
      for (JobParameter parameter : parameters) {
        parameterNames.add(parameter.name());
      }
      this.names = List.copyOf(parameterNames);
      this.readers = List.copyOf(readers);
    }

    Object[] read(byte[] body) {
      Object[] arguments = new Object[names.size()];
      boolean[] seen = new boolean[names.size()];
      try (JsonParser p = FACTORY.createParser(body)) {
        if (p.nextToken() != JsonToken.START_OBJECT) {
          return NOT_PLAIN;
        }
        JsonToken token;
        while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
          int index = names.indexOf(p.currentName());
          if (index < 0) {
            return NOT_PLAIN;
          }
          p.nextToken();
          Object value = readers.get(index).read(p, 1);
          if (value == NOT_PLAIN) {
            return NOT_PLAIN;
          }
          arguments[index] = value;
          seen[index] = true;
        }
        if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
          return NOT_PLAIN;
        }
      } catch (IOException | RuntimeException e) {
        return NOT_PLAIN;
      }
      for (int i = 0; i < arguments.length; i++) {
        if (!seen[i]) {
          arguments[i] = readers.get(i).absent();
          if (arguments[i] == NOT_PLAIN) {
            return NOT_PLAIN; // a required argument is missing: the data binding names it
          }
        }
      }
      return arguments;
    }
  }

  private static Reader reader(Type type) {
    if (type instanceof Class<?> c) {
      if (c.isArray()) {
        return arrayReader(c.getComponentType());
      }
      return scalarReader(c);
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] arguments = p.getActualTypeArguments();
      if ((raw == List.class || raw == Collection.class) && arguments.length == 1) {
        Reader element = reader(arguments[0]);
        return element == null ? null : new ListReader(element);
      }
      if (raw == Map.class && arguments.length == 2 && arguments[0] == String.class) {
        Reader value = reader(arguments[1]);
        return value == null ? null : new MapReader(value);
      }
      if (raw == Optional.class && arguments.length == 1) {
        Reader value = reader(arguments[0]);
        return value == null ? null : new OptionalReader(value);
      }
    }
    return null;
  }

  private static Reader scalarReader(Class<?> c) {
    if (c == Object.class) {
      return PlainJson::readNatural;
    }
    Reader value = scalarValue(c);
    if (value == null) {
      return null;
    }
    // JSON null: a null argument, except for a primitive (the data binding refuses it)
    boolean primitive = c.isPrimitive();
    return (p, depth) ->
        p.currentToken() == JsonToken.VALUE_NULL
            ? (primitive ? NOT_PLAIN : null)
            : value.read(p, depth);
  }

  /**
   * A non-null scalar as the data binding takes it: no coercion (a string is not a number, a number
   * not a string, a fraction not a whole number), whole numbers within the type's range.
   */
  private static Reader scalarValue(Class<?> c) {
    if (c == String.class) {
      return (p, depth) -> p.currentToken() == JsonToken.VALUE_STRING ? p.getText() : NOT_PLAIN;
    }
    if (c == int.class || c == Integer.class) {
      return (p, depth) ->
          p.currentToken() == JsonToken.VALUE_NUMBER_INT
                  && p.getNumberType() == JsonParser.NumberType.INT
              ? (Object) p.getIntValue()
              : NOT_PLAIN;
    }
    if (c == long.class || c == Long.class) {
      return (p, depth) ->
          p.currentToken() == JsonToken.VALUE_NUMBER_INT
                  && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER
              ? (Object) p.getLongValue()
              : NOT_PLAIN;
    }
    if (c == double.class || c == Double.class) {
      return (p, depth) -> p.currentToken().isNumeric() ? (Object) p.getDoubleValue() : NOT_PLAIN;
    }
    if (c == boolean.class || c == Boolean.class) {
      return (p, depth) -> p.currentToken().isBoolean() ? (Object) p.getBooleanValue() : NOT_PLAIN;
    }
    return null;
  }

  private static Reader arrayReader(Class<?> component) {
    if (component == String.class
        || component == Integer.class
        || component == Long.class
        || component == Double.class
        || component == Boolean.class) {
      Reader list = new ListReader(scalarReader(component));
      return (p, depth) -> {
        Object values = list.read(p, depth);
        if (values == NOT_PLAIN || values == null) {
          return values;
        }
        List<?> items = (List<?>) values;
        Object[] array = (Object[]) java.lang.reflect.Array.newInstance(component, items.size());
        return items.toArray(array);
      };
    }
    return null;
  }

  private static final class ListReader implements Reader {
    private final Reader element;

    ListReader(Reader element) {
      this.element = element;
    }

    @Override
    public Object read(JsonParser p, int depth) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      if (p.currentToken() != JsonToken.START_ARRAY || depth > MAX_DEPTH) {
        return NOT_PLAIN;
      }
      List<Object> values = new ArrayList<>();
      while (p.nextToken() != JsonToken.END_ARRAY) {
        Object value = element.read(p, depth + 1);
        if (value == NOT_PLAIN) {
          return NOT_PLAIN;
        }
        values.add(value);
      }
      return values;
    }
  }

  private static final class MapReader implements Reader {
    private final Reader value;

    MapReader(Reader value) {
      this.value = value;
    }

    @Override
    public Object read(JsonParser p, int depth) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_NULL) {
        return null;
      }
      if (p.currentToken() != JsonToken.START_OBJECT || depth > MAX_DEPTH) {
        return NOT_PLAIN;
      }
      Map<String, Object> values = new LinkedHashMap<>();
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        p.nextToken();
        Object v = value.read(p, depth + 1);
        if (v == NOT_PLAIN) {
          return NOT_PLAIN;
        }
        values.put(key, v);
      }
      return values;
    }
  }

  private static final class OptionalReader implements Reader {
    private final Reader value;

    OptionalReader(Reader value) {
      this.value = value;
    }

    @Override
    public Object read(JsonParser p, int depth) throws IOException {
      Object v = value.read(p, depth);
      return v == NOT_PLAIN ? NOT_PLAIN : Optional.ofNullable(v);
    }

    @Override
    public Object absent() {
      return Optional.empty();
    }
  }

  private static final Reader NATURAL_LIST = new ListReader(PlainJson::readNatural);
  private static final Reader NATURAL_MAP = new MapReader(PlainJson::readNatural);

  /** An untyped value as the data binding reads it into {@code Object}. */
  private static Object readNatural(JsonParser p, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      return NOT_PLAIN;
    }
    return switch (p.currentToken()) {
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT -> p.getNumberValue();
      case VALUE_NUMBER_FLOAT -> p.getDoubleValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      case START_ARRAY -> NATURAL_LIST.read(p, depth);
      case START_OBJECT -> NATURAL_MAP.read(p, depth);
      default -> NOT_PLAIN;
    };
  }
}
