package dev.racetrack.javawrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.reflect.Array;
import java.lang.reflect.Method;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The plain JSON paths against Jackson's data binding: for every value and body they take on, the
 * answer must be exactly the data binding's (same bytes written; same argument values and classes
 * read), and every body the data binding refuses must be left to it.
 */
class PlainJsonTest {

  /** Parameter types of {@code perform}; each method's parameter {@code v} is one case. */
  @SuppressWarnings("unused")
  static final class Signatures {
    void string(String v) {}

    void primitiveInt(int v) {}

    void boxedInt(Integer v) {}

    void primitiveLong(long v) {}

    void boxedLong(Long v) {}

    void primitiveDouble(double v) {}

    void boxedDouble(Double v) {}

    void primitiveBoolean(boolean v) {}

    void boxedBoolean(Boolean v) {}

    void object(Object v) {}

    void listOfIntegers(List<Integer> v) {}

    void listOfDoubles(List<Double> v) {}

    void listOfStrings(List<String> v) {}

    void listOfObjects(List<Object> v) {}

    void collectionOfLongs(Collection<Long> v) {}

    void listOfLists(List<List<Integer>> v) {}

    void mapOfIntegers(Map<String, Integer> v) {}

    void mapOfObjects(Map<String, Object> v) {}

    void mapOfDoubleLists(Map<String, List<Double>> v) {}

    void optionalString(Optional<String> v) {}

    void optionalInteger(Optional<Integer> v) {}

    void stringArray(String[] v) {}

    void integerArray(Integer[] v) {}

    void doubleArray(Double[] v) {}

    void booleanArray(Boolean[] v) {}
  }

  private static final List<String> FRAGMENTS =
      List.of(
          "0",
          "-1",
          "42",
          "2147483647",
          "2147483648",
          "-2147483648",
          "-2147483649",
          "9223372036854775807",
          "9223372036854775808",
          "-9223372036854775809",
          "123456789012345678901234567890",
          "1.5",
          "1.0",
          "-0.0",
          "0.1",
          "1e3",
          "1E-7",
          "1e400",
          "-1e400",
          "3.141592653589793238462643383279",
          "\"x\"",
          "\"\"",
          "\"42\"",
          "\"true\"",
          "\"\\u00e9\\n\\\"\"",
          "true",
          "false",
          "null",
          "[]",
          "[1, 2]",
          "[1, null]",
          "[1.5]",
          "[\"a\"]",
          "[true]",
          "[[1], [2, 3]]",
          "[[1.5]]",
          "[null]",
          "{}",
          "{\"a\": 1}",
          "{\"a\": null}",
          "{\"a\": [1, 2.5]}",
          "{\"a\": {\"b\": [true]}}",
          "{\"a\": 1, \"a\": 2}",
          "[1, \"a\"]",
          "[{\"k\": \"v\"}]");

  @Test
  void read_givesTheDataBindingsArguments_orLeavesTheBodyToIt() {
    int plainlyRead = 0;
    for (Method method : Signatures.class.getDeclaredMethods()) {
      if (method.isSynthetic()) {
        continue;
      }
      List<JobParameter> parameters =
          List.of(new JobParameter("v", method.getGenericParameterTypes()[0]));
      PlainJson.Plan plan =
          PlainJson.plan(parameters)
              .orElseThrow(() -> new AssertionError(method.getName() + " has no plain plan"));
      DatabindBinder databind = new DatabindBinder(parameters);
      List<String> bodies = new ArrayList<>();
      FRAGMENTS.forEach(f -> bodies.add("{\"v\": " + f + "}"));
      bodies.addAll(
          List.of(
              "{}",
              "{\"v\": 1, \"w\": 2}",
              "{\"v\": 1, \"v\": 1}",
              "{\"v\": 1} 2",
              "[1]",
              "\"v\"",
              "{\"v\": [1, 2}",
              "{\"v\": 1,}",
              "{\"v\": 01}"));
      for (String body : bodies) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Object[] plain = plan.read(bytes);
        Object[] expected;
        try {
          expected = databind.bind(bytes);
        } catch (HttpStatusException refused) {
          assertThat(plain)
              .as("%s %s: refused by the data binding (%s)", method.getName(), body, refused)
              .isSameAs(PlainJson.NOT_PLAIN);
          continue;
        }
        if (plain == PlainJson.NOT_PLAIN) {
          continue; // left to the data binding: always allowed
        }
        plainlyRead++;
        assertSameValue(method.getName() + " " + body, plain[0], expected[0]);
      }
    }
    // the plain path must take on the common bodies, not leave everything to the data binding
    assertThat(plainlyRead).isGreaterThan(200);
  }

  @Test
  void plan_isEmptyForTypesOnlyTheDataBindingKnows() throws Exception {
    record Point(int x, int y) {}
    @SuppressWarnings("unused")
    final class Others {
      void record(Point v) {}

      void date(LocalDate v) {}

      void intArray(int[] v) {}

      void mapByInteger(Map<Integer, String> v) {}

      void set(java.util.Set<String> v) {}

      void rawList(@SuppressWarnings("rawtypes") List v) {}

      void optionalInt(java.util.OptionalInt v) {}
    }
    for (Method method : Others.class.getDeclaredMethods()) {
      Type type = method.getGenericParameterTypes()[0];
      assertThat(PlainJson.plan(List.of(new JobParameter("v", type))))
          .as(method.getName())
          .isEmpty();
    }
  }

  @Test
  void bind_ofAPlainSignature_refusesAsTheDataBindingDoes() {
    ArgumentBinder binder =
        new ArgumentBinder(
            List.of(new JobParameter("count", int.class), new JobParameter("name", String.class)));
    assertThat(binder.plain()).isTrue();
    assertThat(binder.bind("{\"count\": 1, \"name\": \"a\"}".getBytes(StandardCharsets.UTF_8)))
        .containsExactly(1, "a");
    for (String body :
        List.of(
            "{\"count\": 1.5, \"name\": \"a\"}",
            "{\"count\": \"1\", \"name\": \"a\"}",
            "{\"count\": null, \"name\": \"a\"}",
            "{\"name\": \"a\"}",
            "{\"count\": 1, \"name\": \"a\", \"extra\": 0}",
            "{\"count\": 1, \"count\": 2, \"name\": \"a\"}",
            "[]")) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      String expected = refusal(() -> new DatabindBinder(binderParameters()).bind(bytes));
      assertThat(refusal(() -> binder.bind(bytes))).as(body).isEqualTo(expected).isNotEmpty();
    }
  }

  private static List<JobParameter> binderParameters() {
    return List.of(new JobParameter("count", int.class), new JobParameter("name", String.class));
  }

  private static String refusal(Runnable call) {
    try {
      call.run();
      return "";
    } catch (HttpStatusException e) {
      return e.status() + " " + e.getMessage();
    }
  }

  @Test
  void write_givesTheDataBindingsBytes_forEveryPlainValue() throws Exception {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("b", null);
    nested.put("a", List.of(1, 2.5, "x", true));
    TreeMap<String, Object> sorted = new TreeMap<>(Map.of("z", 1, "y", List.of()));
    List<Object> plain =
        Arrays.asList(
            null,
            "",
            "x",
            "\u00e9\n\"\\\u0001",
            true,
            false,
            0,
            -1,
            Integer.MAX_VALUE,
            Long.MIN_VALUE,
            0.1,
            -0.0,
            1e300,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            1.5f,
            Float.NaN,
            (short) 7,
            new BigInteger("123456789012345678901234567890"),
            new BigDecimal("1.50"),
            new BigDecimal("1E+3"),
            new int[] {1, 2},
            new long[] {3L},
            new double[] {0.5, 1e-9},
            new boolean[] {true, false},
            new String[] {"a", null},
            new Object[] {1, "b", List.of()},
            List.of(),
            List.of(1, 2),
            new HashSet<>(List.of(3)),
            new ArrayDeque<>(List.of("q")),
            Map.of(),
            Map.of("k", "v"),
            nested,
            sorted,
            Arrays.asList(1, null),
            List.of(Map.of("m", new int[] {1})),
            Optional.empty());
    int written = 0;
    for (Object value : plain) {
      byte[] fast = PlainJson.write(value);
      if (value instanceof Optional<?>) {
        assertThat(fast).as("Optional is left to the data binding").isNull();
        continue;
      }
      assertThat(fast).as("plain: %s", describe(value)).isNotNull();
      assertThat(new String(fast, StandardCharsets.UTF_8))
          .as(describe(value))
          .isEqualTo(new String(JobJson.mapper().writeValueAsBytes(value), StandardCharsets.UTF_8));
      written++;
    }
    assertThat(written).isEqualTo(plain.size() - 1);
  }

  @Test
  void write_leavesOtherValuesToTheDataBinding() throws Exception {
    record Point(int x, int y) {}
    ConcurrentHashMap<String, Integer> concurrent = new ConcurrentHashMap<>(Map.of("a", 1));
    List<Object> others =
        List.of(
            new Point(1, 2),
            LocalDate.of(2026, 12, 3),
            new byte[] {1, 2},
            new char[] {'a'},
            'c',
            (byte) 1,
            Map.of(1, "one"),
            List.of(new Point(0, 0)),
            concurrent,
            new Object[] {Optional.of(1)},
            Map.of("p", new Point(3, 4)));
    for (Object value : others) {
      assertThat(PlainJson.write(value)).as(describe(value)).isNull();
      // and JobJson still writes them, through the data binding
      assertThat(JobJson.write(value))
          .as(describe(value))
          .isEqualTo(JobJson.mapper().writeValueAsBytes(value));
    }
  }

  private static String describe(Object value) {
    if (value == null) {
      return "null";
    }
    if (value.getClass().isArray()) {
      List<Object> items = new ArrayList<>();
      for (int i = 0; i < Array.getLength(value); i++) {
        items.add(Array.get(value, i));
      }
      return value.getClass().getSimpleName() + items;
    }
    return value.getClass().getSimpleName() + " " + value;
  }

  /** Equal values of the same classes, all the way down. */
  private static void assertSameValue(String where, Object actual, Object expected) {
    if (expected == null || actual == null) {
      assertThat(actual).as(where).isEqualTo(expected);
      return;
    }
    assertThat(actual.getClass()).as(where + ": class").isEqualTo(expected.getClass());
    if (expected.getClass().isArray()) {
      assertThat(Array.getLength(actual)).as(where).isEqualTo(Array.getLength(expected));
      for (int i = 0; i < Array.getLength(expected); i++) {
        assertSameValue(where + "[" + i + "]", Array.get(actual, i), Array.get(expected, i));
      }
    } else if (expected instanceof List<?> e) {
      List<?> a = (List<?>) actual;
      assertThat(a).as(where).hasSize(e.size());
      for (int i = 0; i < e.size(); i++) {
        assertSameValue(where + "[" + i + "]", a.get(i), e.get(i));
      }
    } else if (expected instanceof Map<?, ?> e) {
      Map<?, ?> a = (Map<?, ?>) actual;
      assertThat(new ArrayList<>(a.keySet())).as(where).isEqualTo(new ArrayList<>(e.keySet()));
      e.forEach((k, v) -> assertSameValue(where + "." + k, a.get(k), v));
    } else if (expected instanceof Optional<?> e) {
      Optional<?> a = (Optional<?>) actual;
      assertThat(a.isPresent()).as(where).isEqualTo(e.isPresent());
      e.ifPresent(v -> assertSameValue(where + ".get()", a.get(), v));
    } else if (!expected.equals(actual)) {
      fail("%s: %s is not %s", where, actual, expected);
    }
  }
}
