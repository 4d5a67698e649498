package dev.racetrack.javawrapper;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ArgumentBinderTest {

  private static Object[] bind(Entrypoint entrypoint, String body) {
    return new ArgumentBinder(entrypoint.parameters()).bind(body.getBytes(UTF_8));
  }

  private static HttpStatusException rejected(Entrypoint entrypoint, String body) {
    try {
      bind(entrypoint, body);
    } catch (HttpStatusException e) {
      assertThat(e.status()).isEqualTo(400);
      return e;
    }
    throw new AssertionError("body was accepted: " + body);
  }

  @Test
  void bind_convertsEachArgumentToItsGenericType() {
    Object[] arguments = bind(Entrypoint.of(new TestJobs.Adder()), "{\"numbers\": [1, 2.5]}");

    assertThat(arguments).hasSize(1);
    assertThat(arguments[0]).isEqualTo(List.of(1.0, 2.5));
  }

  @Test
  void bind_convertsRecordsAndOptionals() {
    Object[] geometry =
        bind(
            Entrypoint.of(new TestJobs.Geometry()),
            "{\"b\": {\"x\": 3, \"y\": 4}, \"a\": {\"x\": 1, \"y\": 2}}");
    Object[] greeter = bind(Entrypoint.of(new TestJobs.Greeter()), "{\"name\": \"Ann\"}");

    assertThat(geometry).containsExactly(new TestJobs.Point(1, 2), new TestJobs.Point(3, 4));
    assertThat(greeter).containsExactly("Ann", Optional.empty());
  }

  @Test
  void bind_withWhitespaceBody_isAnEmptyObject() {
    assertThat(bind(Entrypoint.of(new TestJobs.Failing()), "  \n")).isEmpty();
  }

  @Test
  void bind_reportsAllMissingArguments() {
    HttpStatusException error = rejected(Entrypoint.of(new TestJobs.Geometry()), "{}");

    assertThat(error).hasMessage("missing required argument(s): 'a', 'b'");
  }

  @Test
  void bind_reportsUnknownArgumentsAndTheAcceptedOnes() {
    HttpStatusException error =
        rejected(Entrypoint.of(new TestJobs.Greeter()), "{\"name\": \"x\", \"nme\": 1}");

    assertThat(error)
        .hasMessage("unknown argument(s): 'nme' (perform accepts: 'name', 'greeting')");
  }

  @Test
  void bind_withWrongType_namesArgumentAndPosition() {
    HttpStatusException error =
        rejected(Entrypoint.of(new TestJobs.Adder()), "{\"numbers\": [1, {\"a\": 1}]}");

    assertThat(error.getMessage())
        .startsWith("argument 'numbers': ")
        .endsWith("(at [1])")
        .doesNotContain("through reference chain")
        .doesNotContain("Source:");
  }

  @Test
  void bind_withNonObjectBody_saysWhatItGot() {
    HttpStatusException error = rejected(Entrypoint.of(new TestJobs.Adder()), "[1]");

    assertThat(error).hasMessageEndingWith("got array");
  }

  @Test
  void bind_withDuplicateKey_isRejected() {
    HttpStatusException error =
        rejected(Entrypoint.of(new TestJobs.Adder()), "{\"numbers\": [1], \"numbers\": [2]}");

    assertThat(error).hasMessageContaining("not valid JSON").hasMessageContaining("numbers");
  }

  public static class OptionalInts {
    public int perform(OptionalInt limit, Map<String, List<Integer>> groups) {
      return limit.orElse(0) + groups.size();
    }
  }

  @Test
  void bind_withPrimitiveOptionalAndNestedGenerics() {
    Object[] arguments =
        bind(Entrypoint.of(new OptionalInts()), "{\"groups\": {\"a\": [1, 2], \"b\": []}}");

    assertThat(arguments)
        .containsExactly(OptionalInt.empty(), Map.of("a", List.of(1, 2), "b", List.of()));
    assertThatThrownBy(
            () -> bind(Entrypoint.of(new OptionalInts()), "{\"groups\": {\"a\": [\"x\"]}}"))
        .isInstanceOf(HttpStatusException.class)
        .hasMessageStartingWith("argument 'groups': ")
        .hasMessageEndingWith("(at a[0])");
  }
}
