package dev.racetrack.lifecycle.portfolio;

import dev.racetrack.model.error.ValidationException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One column's filter expression in the admin guide's grammar (see docs/portfolio.md): {@code <,
 * <=, >, >=, =, *, !, {, }, ||, &&, [empty], [nonempty], rgx:}. Alternatives ({@code ||}) are split
 * first, then conjunctions ({@code &&}). Comparisons are numeric on number columns, by date on date
 * columns and by text otherwise; text matching ignores case.
 */
public final class ColumnFilter {
  static final int MAX_PATTERN_LENGTH = 200;

  /** How a column's values compare. */
  public enum Type {
    TEXT,
    NUMBER,
    DATE
  }

  /** A cell: its text as displayed, and its number (or epoch seconds for dates), if any. */
  public record Cell(String text, Optional<Double> number) {
    public static Cell of(Object value) {
      if (value == null) {
        return new Cell("", Optional.empty());
      }
      if (value instanceof Number n) {
        return new Cell(
            new BigDecimal(n.toString()).stripTrailingZeros().toPlainString(),
            Optional.of(n.doubleValue()));
      }
      return new Cell(value.toString(), Optional.empty());
    }

    static Cell date(Long epochSeconds) {
      return epochSeconds == null
          ? new Cell("", Optional.empty())
          : new Cell(
              Instant.ofEpochSecond(epochSeconds).toString(),
              Optional.of(epochSeconds.doubleValue()));
    }
  }

  private final Predicate<Cell> predicate;

  private ColumnFilter(Predicate<Cell> predicate) {
    this.predicate = predicate;
  }

  /**
   * Parses an expression.
   *
   * @param column names the column in error messages
   * @throws ValidationException for a malformed expression or regular expression
   */
  public static ColumnFilter parse(
      String expression, Type type, String column, RegexBudget budget) {
    List<Predicate<Cell>> alternatives = new ArrayList<>();
    for (String alternative : expression.split("\\|\\|", -1)) {
      Predicate<Cell> all = cell -> true;
      for (String term : alternative.split("&&", -1)) {
        all = all.and(term(term.strip(), type, column, budget));
      }
      alternatives.add(all);
    }
    return new ColumnFilter(cell -> alternatives.stream().anyMatch(p -> p.test(cell)));
  }

  public boolean test(Cell cell) {
    return predicate.test(cell);
  }

  private static Predicate<Cell> term(String term, Type type, String column, RegexBudget budget) {
    if (term.isEmpty()) {
      throw new ValidationException("filter of " + column + ": empty term (around '||' or '&&')");
    }
    if (term.equals("[empty]")) {
      return cell -> cell.text().isBlank();
    }
    if (term.equals("[nonempty]")) {
      return cell -> !cell.text().isBlank();
    }
    if (term.startsWith("rgx:")) {
      return regex(term.substring(4), column, budget);
    }
    for (String op : List.of("<=", ">=", "<", ">")) {
      if (term.startsWith(op)) {
        return compare(op, term.substring(op.length()).strip(), type, column);
      }
    }
    String rest = term.substring(1);
    return switch (term.charAt(0)) {
      case '=' -> cell -> lower(cell.text()).equals(lower(rest)) || numericEquals(cell, rest);
      case '*' -> cell -> lower(cell.text()).contains(lower(rest));
      case '!' -> cell -> !lower(cell.text()).contains(lower(rest));
      case '{' -> cell -> lower(cell.text()).startsWith(lower(rest));
      case '}' -> cell -> lower(cell.text()).endsWith(lower(rest));
      default -> cell -> lower(cell.text()).contains(lower(term));
    };
  }

  private static boolean numericEquals(Cell cell, String value) {
    Optional<Double> wanted = number(value);
    return cell.number().isPresent()
        && wanted.isPresent()
        && cell.number().get().equals(wanted.get());
  }

  private static Predicate<Cell> compare(String op, String value, Type type, String column) {
    if (value.isEmpty()) {
      throw new ValidationException("filter of " + column + ": '" + op + "' needs a value");
    }
    if (type == Type.TEXT) {
      String wanted = lower(value);
      return cell -> !cell.text().isEmpty() && holds(op, lower(cell.text()).compareTo(wanted));
    }
    double wanted =
        (type == Type.DATE ? date(value) : number(value))
            .orElseThrow(
                () ->
                    new ValidationException(
                        "filter of "
                            + column
                            + ": '"
                            + value
                            + "' is not a "
                            + (type == Type.DATE ? "date (e.g. 2026-01-31)" : "number")));
    return cell ->
        cell.number().isPresent() && holds(op, Double.compare(cell.number().get(), wanted));
  }

  private static boolean holds(String op, int comparison) {
    return switch (op) {
      case "<" -> comparison < 0;
      case "<=" -> comparison <= 0;
      case ">" -> comparison > 0;
      default -> comparison >= 0;
    };
  }

  private static Predicate<Cell> regex(String pattern, String column, RegexBudget budget) {
    if (pattern.isEmpty() || pattern.length() > MAX_PATTERN_LENGTH) {
      throw new ValidationException(
          "filter of "
              + column
              + ": the regular expression must have 1 to "
              + MAX_PATTERN_LENGTH
              + " characters");
    }
    Pattern compiled;
    try {
      compiled = Pattern.compile(pattern, Pattern.CASE_INSENSITIVE);
    } catch (PatternSyntaxException e) {
      throw new ValidationException(
          "filter of "
              + column
              + ": invalid regular expression: "
              + e.getDescription()
              + " near index "
              + e.getIndex());
    }
    return cell -> budget.find(compiled, cell.text(), column);
  }

  static Optional<Double> number(String text) {
    try {
      return Optional.of(Double.parseDouble(text.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  /** A date or date-time (UTC), or Unix seconds, as epoch seconds. */
  static Optional<Double> date(String text) {
    String value = text.strip();
    try {
      return Optional.of((double) Instant.parse(value).getEpochSecond());
    } catch (DateTimeParseException e) {
      // try the shorter forms
    }
    try {
      return Optional.of((double) LocalDateTime.parse(value).toEpochSecond(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      // next
    }
    try {
      return Optional.of(
          (double) LocalDate.parse(value).atStartOfDay().toEpochSecond(ZoneOffset.UTC));
    } catch (DateTimeParseException e) {
      return number(value);
    }
  }

  private static String lower(String text) {
    return text.toLowerCase(Locale.ROOT);
  }
}
