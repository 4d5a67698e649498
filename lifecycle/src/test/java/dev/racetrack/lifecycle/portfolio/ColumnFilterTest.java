package dev.racetrack.lifecycle.portfolio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.lifecycle.portfolio.ColumnFilter.Cell;
import dev.racetrack.lifecycle.portfolio.ColumnFilter.Type;
import dev.racetrack.model.error.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every operator of the admin guide's filter grammar (docs/portfolio.md), bad input included. */
class ColumnFilterTest {
  private static final long JAN_15 = Instant.parse("2026-01-15T12:00:00Z").getEpochSecond();

  private static boolean matches(String expression, Type type, Cell cell) {
    return ColumnFilter.parse(expression, type, "col", new RegexBudget(Duration.ofSeconds(5)))
        .test(cell);
  }

  private static Arguments text(String expression, String cell, boolean expected) {
    return Arguments.of(expression, Type.TEXT, Cell.of(cell), expected);
  }

  private static Arguments number(String expression, Number cell, boolean expected) {
    return Arguments.of(expression, Type.NUMBER, Cell.of(cell), expected);
  }

  private static Arguments date(String expression, Long cell, boolean expected) {
    return Arguments.of(expression, Type.DATE, Cell.date(cell), expected);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        // plain text: contains, case-insensitive
        text("add", "python-adder", true),
        text("ADD", "python-adder", true),
        text("sub", "python-adder", false),
        // * contains
        text("*thon", "python-adder", true),
        text("*java", "python-adder", false),
        // ! does not contain
        text("!java", "python-adder", true),
        text("!adder", "python-adder", false),
        text("!adder", null, true),
        // = equals (whole text, case-insensitive)
        text("=python-adder", "python-adder", true),
        text("=Python-Adder", "python-adder", true),
        text("=python", "python-adder", false),
        // { starts with, } ends with
        text("{py", "python-adder", true),
        text("{adder", "python-adder", false),
        text("}adder", "python-adder", true),
        text("}python", "python-adder", false),
        // [empty] and [nonempty]
        text("[empty]", "", true),
        text("[empty]", null, true),
        text("[empty]", "x", false),
        text("[nonempty]", "x", true),
        text("[nonempty]", null, false),
        // || or, && and (|| binds looser than &&)
        text("=adder||=subtractor", "subtractor", true),
        text("=adder||=subtractor", "multiplier", false),
        text("{py&&}der", "python-adder", true),
        text("{py&&}sub", "python-adder", false),
        text("=x||{py&&}der", "python-adder", true),
        text(" {py && }der ", "python-adder", true),
        // comparisons on text compare alphabetically; empty cells never match
        text(">m", "python", true),
        text("<m", "python", false),
        text("<=python", "python", true),
        text(">=q", "python", false),
        text("<z", "", false),
        // rgx: regular expression (find, case-insensitive)
        text("rgx:^py.*r$", "python-adder", true),
        text("rgx:^adder", "python-adder", false),
        text("rgx:ADD", "python-adder", true),
        text("rgx:\\d+\\.\\d+", "v1.20", true),
        // numbers: numeric comparison, not text (10 > 9 although "10" < "9")
        number(">9", 10, true),
        number("<9", 10, false),
        number(">=10", 10, true),
        number("<=10", 10.5, false),
        number("<10.5", 10.25, true),
        number("=10", 10.0, true),
        number("=10.0", 10, true),
        number("=11", 10, false),
        number("*0", 10, true),
        number(">5&&<20", 10, true),
        number(">5&&<8", 10, false),
        number("<1||>9", 10, true),
        number(">0", null, false),
        number("[empty]", null, true),
        number("[nonempty]", 0, true),
        number("rgx:^1\\d$", 12, true),
        // dates: ISO date, date-time or instant, or Unix seconds
        date(">2026-01-01", JAN_15, true),
        date("<2026-01-01", JAN_15, false),
        date(">=2026-01-15T12:00", JAN_15, true),
        date(">2026-01-15T12:00:00Z", JAN_15, false),
        date("<=2026-01-15T12:00:00Z", JAN_15, true),
        date(">2026-01-10&&<2026-01-20", JAN_15, true),
        date("<" + (JAN_15 + 1), JAN_15, true),
        date("*2026-01-15", JAN_15, true),
        date(">2026-01-01", null, false),
        date("[empty]", null, true));
  }

  @ParameterizedTest(name = "[{index}] ''{0}'' on {1} {2} -> {3}")
  @MethodSource("table")
  void operator(String expression, Type type, Cell cell, boolean expected) {
    assertThat(matches(expression, type, cell)).isEqualTo(expected);
  }

  static Stream<Arguments> badExpressions() {
    return Stream.of(
        Arguments.of("rgx:(", Type.TEXT, "col: invalid regular expression"),
        Arguments.of("rgx:[a-", Type.TEXT, "col: invalid regular expression"),
        Arguments.of("rgx:", Type.TEXT, "col: the regular expression must have 1 to 200"),
        Arguments.of("rgx:" + "a".repeat(201), Type.TEXT, "must have 1 to 200 characters"),
        Arguments.of(">abc", Type.NUMBER, "col: 'abc' is not a number"),
        Arguments.of("<=", Type.NUMBER, "col: '<=' needs a value"),
        Arguments.of(">yesterday", Type.DATE, "col: 'yesterday' is not a date (e.g. 2026-01-31)"),
        Arguments.of("=a||", Type.TEXT, "col: empty term"),
        Arguments.of("&&=a", Type.TEXT, "col: empty term"),
        Arguments.of("", Type.TEXT, "col: empty term"));
  }

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @MethodSource("badExpressions")
  void badExpression_isRefusedNamingTheColumn(String expression, Type type, String message) {
    assertThatThrownBy(
            () ->
                ColumnFilter.parse(expression, type, "col", new RegexBudget(Duration.ofSeconds(1))))
        .isInstanceOf(ValidationException.class)
        .hasMessageStartingWith("filter of col")
        .hasMessageContaining(message);
  }

  @Test
  void catastrophicRegex_isStoppedByTheTimeBudget() {
    // nested quantifiers on "aaaa...b" backtrack exponentially (java.util.regex needs 0.6 s at 23
    // characters on this machine, doubling with each one): without the budget this runs for ages
    ColumnFilter filter =
        ColumnFilter.parse(
            "rgx:((a+)+)+z", Type.TEXT, "name", new RegexBudget(Duration.ofMillis(200)));
    long started = System.nanoTime();

    assertThatThrownBy(() -> filter.test(Cell.of("a".repeat(40) + "b")))
        .isInstanceOf(ValidationException.class)
        .hasMessage(
            "filter of name: the regular expression takes too long to evaluate (over 200 ms);"
                + " simplify it");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void regexBudget_isSharedByAllCellsOfOneRequest() {
    RegexBudget budget = new RegexBudget(Duration.ofMillis(300));
    ColumnFilter filter = ColumnFilter.parse("rgx:((a+)+)+z", Type.TEXT, "name", budget);
    String slow = "a".repeat(16) + "b"; // a few milliseconds per cell

    // each cell alone might fit, but the request as a whole must stop
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 1_000; i++) {
                filter.test(Cell.of(slow));
              }
            })
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("takes too long");
  }

  @Test
  void cells_showNumbersWithoutTrailingZeros_andDatesAsIso() {
    assertThat(Cell.of(10.0).text()).isEqualTo("10");
    assertThat(Cell.of(2.50).text()).isEqualTo("2.5");
    assertThat(Cell.date(JAN_15).text()).isEqualTo("2026-01-15T12:00:00Z");
    assertThat(Cell.date(null).text()).isEmpty();
  }
}
