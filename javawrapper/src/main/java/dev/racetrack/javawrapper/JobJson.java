package dev.racetrack.javawrapper;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import java.io.UncheckedIOException;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.Map;

/**
 * The JSON mapper of the wrapper: job arguments, results and the wrapper's own documents.
 *
 * <p>Binding is strict where silent conversions would surprise a typed Java method: no string to
 * number coercion ({@code "42"} is not an {@code int}), no float truncation ({@code 1.5} is not an
 * {@code int}), {@code null} is not a primitive, unknown properties of records are refused. Results
 * are written as they are; {@code java.time} values are written with {@code toString()}.
 */
final class JobJson {

  private JobJson() {}

  /**
   * The data binding, loaded at its first use: a job whose {@code perform} takes and returns plain
   * values never needs it ({@link PlainJson}).
   */
  static ObjectMapper mapper() {
    return Databind.MAPPER;
  }

  /** The JSON of a value: plain values without the data binding, others with it. */
  static byte[] writeValue(Object value) throws JsonProcessingException {
    byte[] plain = PlainJson.write(value);
    return plain != null ? plain : mapper().writeValueAsBytes(value);
  }

  /** {@link #writeValue}, for values the wrapper makes itself. */
  static byte[] write(Object value) {
    try {
      return writeValue(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code {"error": message}}. */
  static byte[] error(String message) {
    return write(Map.of("error", message));
  }

  private static final class Databind {
    static final ObjectMapper MAPPER =
        JsonMapper.builder()
            .addModule(new Jdk8Module())
            .addModule(
                new SimpleModule("racetrack-java-time-as-text")
                    .addSerializer(TemporalAccessor.class, ToStringSerializer.instance)
                    .addSerializer(TemporalAmount.class, ToStringSerializer.instance))
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
  }
}
