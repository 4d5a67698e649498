package dev.racetrack.lifecycle.portfolio;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The portfolio's column filters (docs/portfolio.md, {@link ColumnFilter}) as a SQL predicate over
 * a page row, with the same meaning as the Java filter, so that PostgreSQL filters, counts and cuts
 * a page. {@code q} tests every column's text as the Java filter shows it ({@link
 * ColumnFilter.Cell}: numbers in plain notation without trailing zeros, dates as {@code
 * 2026-01-31T10:00:00Z}, {@code purge_reasons} as {@link Portfolio#entry} writes them). Filters
 * without an exact SQL form (text operators on a number or date column, regular expressions outside
 * the dialect Java and PostgreSQL share) are not translated: the page is then filtered in Java.
 * Expressions must have passed {@link Portfolio#filter} (which reports malformed ones).
 *
 * @param where SQL: every bind is a named parameter of {@code binds}
 * @param regexColumn the first column filtered by a regular expression (the query gets a time
 *     limit)
 */
record FilterSql(String where, Map<String, Object> binds, Optional<String> regexColumn) {
  private enum Kind {
    TEXT,
    NUMBER,
    DATE
  }

  /**
   * @param sql the value compared
   * @param shown the text {@code q} tests (as {@link ColumnFilter.Cell} writes it)
   */
  private record Column(Kind kind, String sql, String shown) {
    static Column text(String sql) {
      return new Column(Kind.TEXT, sql, sql);
    }

    static Column number(String sql) {
      return new Column(Kind.NUMBER, sql, numberText(sql));
    }

    static Column date(String column) {
      return new Column(Kind.DATE, epoch(column), dateText(column));
    }
  }

  /**
   * A number's text as {@link ColumnFilter.Cell#of} writes it: the shortest decimal that reads back
   * as the same double (PostgreSQL's and Java's float output), in plain notation without trailing
   * zeros (NUMERIC's text).
   */
  private static String numberText(String sql) {
    return "CAST(CAST(CAST(CAST(" + sql + " AS DOUBLE PRECISION) AS TEXT) AS NUMERIC) AS TEXT)";
  }

  /** A date's text as {@link ColumnFilter.Cell#date} writes it ({@code Instant#toString}). */
  private static String dateText(String column) {
    return "TO_CHAR(TO_TIMESTAMP("
        + epoch(column)
        + ") AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')";
  }

  /**
   * The reasons of the purge score as {@link Portfolio#entry} writes them, one per line; {@code
   * %.1f} rounds the shortest decimal form half up, as ROUND does the NUMERIC made of it.
   */
  static final String PURGE_REASONS =
      """
      CONCAT_WS(CHR(10),
        CASE s.status
          WHEN 'lost' THEN 'Job is lost - can''t be found in a cluster. It should be redeployed or removed.'
          WHEN 'error' THEN 'Job is failing. It should be fixed or removed.' END,
        CASE WHEN s.updated_days >= 1 AND s.call_days IS NULL
            THEN 'Job seems to be unused as it was never called.'
          WHEN s.updated_days >= 1 AND s.call_days > 1
            THEN 'Job hasn''t been called for '
              || CAST(ROUND(CAST(CAST(s.call_days AS TEXT) AS NUMERIC), 1) AS TEXT) || ' days.' END,
        CASE WHEN s.newer_versions > 0 THEN 'Job has ' || s.newer_versions || ' newer versions.' END)""";

  private static final Map<String, Column> COLUMNS =
      Map.ofEntries(
          Map.entry("name", Column.text("s.name")),
          Map.entry("version", Column.text("s.version")),
          Map.entry("status", new Column(Kind.TEXT, "s.status", "UPPER(s.status)")),
          Map.entry("job_type_version", Column.text("s.job_type_version")),
          Map.entry("deployed_by", Column.text("s.deployed_by")),
          Map.entry("infrastructure_target", Column.text("s.infrastructure_target")),
          Map.entry("purge_reasons", Column.text(PURGE_REASONS)),
          Map.entry(
              "update_time_days_ago", Column.number("(FLOOR(s.updated_days * 1000 + 0.5) / 1000)")),
          Map.entry(
              "last_call_time_days_ago", Column.number("(FLOOR(s.call_days * 1000 + 0.5) / 1000)")),
          Map.entry("purge_score", Column.number("CAST(s.purge_score AS DOUBLE PRECISION)")),
          Map.entry("purge_newer_versions", Column.number("s.newer_versions")),
          Map.entry("last_call_time", Column.date("s.last_call_time")),
          Map.entry("update_time", Column.date("s.update_time")),
          Map.entry("create_time", Column.date("s.create_time")));

  private static final String COMPARISONS = "<=|>=|<|>";

  FilterSql {
    binds = Map.copyOf(binds);
  }

  private static String epoch(String column) {
    return "FLOOR(EXTRACT(EPOCH FROM " + column + "))";
  }

  /** The filters as SQL, or empty when one of them has no exact SQL form. */
  static Optional<FilterSql> of(Map<String, String> filters) {
    Builder builder = new Builder();
    List<String> all = new ArrayList<>();
    all.add("TRUE");
    for (Map.Entry<String, String> filter : filters.entrySet()) {
      Optional<String> sql;
      if (filter.getKey().equals("q")) {
        sql = builder.anyColumn(filter.getValue());
      } else {
        Column column = COLUMNS.get(filter.getKey());
        if (column == null) {
          return Optional.empty();
        }
        sql = builder.expression(filter.getValue(), t -> builder.term(t, column, filter.getKey()));
      }
      if (sql.isEmpty()) {
        return Optional.empty();
      }
      all.add(sql.get());
    }
    return Optional.of(new FilterSql(String.join(" AND ", all), builder.binds, builder.regex));
  }

  /** Collects the bind values of the terms (named f0, f1, ...). */
  private static final class Builder {
    private final Map<String, Object> binds = new HashMap<>();
    private Optional<String> regex = Optional.empty();

    private String bind(Object value) {
      String name = "f" + binds.size();
      binds.put(name, value);
      return ":" + name;
    }

    /**
     * {@code q}: the whole expression holds for one of the columns' text (and, for {@code =}, for a
     * number or date column's number), as {@link Portfolio#filter} tests it.
     */
    Optional<String> anyColumn(String expression) {
      List<String> columns = new ArrayList<>();
      Optional<String> needle = needle(expression);
      for (Map.Entry<String, Column> entry : new TreeMap<>(COLUMNS).entrySet()) {
        Column column = entry.getValue();
        // e.g. "job-1" is in no number's or date's text: not worth formatting each row's
        if (needle.isPresent() && !canContain(column.kind(), needle.get())) {
          continue;
        }
        Optional<String> sql =
            expression(
                expression,
                t ->
                    text(
                        t,
                        "COALESCE(" + column.shown() + ", '')",
                        "q",
                        column.kind() == Kind.TEXT ? Optional.empty() : Optional.of(column.sql())));
        if (sql.isEmpty()) {
          return Optional.empty();
        }
        columns.add(sql.get());
      }
      return Optional.of("(" + String.join(" OR ", columns) + ")");
    }

    /**
     * The text a {@code q} expression of one term needs a cell's text to contain, start or end with
     * (lower case), when it is such a term; empty for every other expression.
     */
    private static Optional<String> needle(String expression) {
      String term = expression.strip();
      if (term.isEmpty()
          || expression.contains("||")
          || expression.contains("&&")
          || term.startsWith("[")
          || term.startsWith("rgx:")
          || term.startsWith("<")
          || term.startsWith(">")
          || term.startsWith("=")
          || term.startsWith("!")) {
        return Optional.empty();
      }
      String text = "*{}".indexOf(term.charAt(0)) >= 0 ? term.substring(1) : term;
      return Optional.of(text.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether the lower-case text of a column of this kind can hold {@code needle}: a number's text
     * is digits, {@code -} and {@code .}; a date's is {@code Instant}'s (digits, {@code - : T Z}).
     * Only an ASCII character outside those rules a column out.
     */
    private static boolean canContain(Kind kind, String needle) {
      String alphabet =
          switch (kind) {
            case TEXT -> null;
            case NUMBER -> "0123456789-.";
            case DATE -> "0123456789-:tz";
          };
      return alphabet == null || needle.chars().allMatch(c -> c >= 128 || alphabet.indexOf(c) >= 0);
    }

    Optional<String> expression(String expression, Function<String, Optional<String>> term) {
      List<String> alternatives = new ArrayList<>();
      for (String alternative : expression.split("\\|\\|", -1)) {
        List<String> terms = new ArrayList<>();
        for (String each : alternative.split("&&", -1)) {
          Optional<String> sql = term.apply(each.strip());
          if (sql.isEmpty()) {
            return Optional.empty();
          }
          terms.add("COALESCE(" + sql.get() + ", FALSE)");
        }
        alternatives.add("(" + String.join(" AND ", terms) + ")");
      }
      return Optional.of("(" + String.join(" OR ", alternatives) + ")");
    }

    Optional<String> term(String term, Column column, String name) {
      return switch (column.kind()) {
        case TEXT -> text(term, "COALESCE(" + column.sql() + ", '')", name, Optional.empty());
        case NUMBER -> number(term, column.sql());
        case DATE -> date(term, column.sql());
      };
    }

    /**
     * @param number the number of a number or date column shown as text ({@code q}): {@code =} also
     *     holds when it equals the value read as a number
     */
    private Optional<String> text(String term, String cell, String name, Optional<String> number) {
      String lower = "LOWER(" + cell + ")";
      if (term.equals("[empty]")) {
        return Optional.of(cell + " ~ '^[[:space:]]*$'");
      }
      if (term.equals("[nonempty]")) {
        return Optional.of("NOT (" + cell + " ~ '^[[:space:]]*$')");
      }
      if (term.startsWith("rgx:")) {
        String pattern = term.substring(4);
        if (!Regexes.portable(pattern)) {
          return Optional.empty();
        }
        regex = regex.or(() -> Optional.of(name));
        return Optional.of(cell + " ~* " + bind(pattern));
      }
      for (String op : COMPARISONS.split("\\|")) {
        if (term.startsWith(op)) {
          String value = term.substring(op.length()).strip();
          return Optional.of(
              cell
                  + " <> '' AND "
                  + lower
                  + " COLLATE \"C\" "
                  + op
                  + " LOWER("
                  + bind(value)
                  + ")");
        }
      }
      String rest = term.substring(1);
      return Optional.of(
          switch (term.charAt(0)) {
            case '=' -> equalText(lower, rest, number);
            case '*' -> "STRPOS(" + lower + ", LOWER(" + bind(rest) + ")) > 0";
            case '!' -> "STRPOS(" + lower + ", LOWER(" + bind(rest) + ")) = 0";
            case '{' -> "STARTS_WITH(" + lower + ", LOWER(" + bind(rest) + "))";
            case '}' -> endsWith(lower, bind(rest));
            default -> "STRPOS(" + lower + ", LOWER(" + bind(term) + ")) > 0";
          });
    }

    private String equalText(String lower, String rest, Optional<String> number) {
      String text = lower + " = LOWER(" + bind(rest) + ")";
      Optional<Double> wanted = finite(ColumnFilter.number(rest));
      if (number.isEmpty() || wanted.isEmpty()) {
        return text;
      }
      return "(" + text + " OR " + number.get() + " = " + bind(wanted.get()) + ")";
    }

    private static String endsWith(String lower, String value) {
      return "RIGHT(" + lower + ", CHAR_LENGTH(" + value + ")) = LOWER(" + value + ")";
    }

    private Optional<String> number(String term, String cell) {
      Optional<String> presence = presence(term, cell);
      if (presence.isPresent()) {
        return presence;
      }
      for (String op : COMPARISONS.split("\\|")) {
        if (term.startsWith(op)) {
          return finite(ColumnFilter.number(term.substring(op.length())))
              .map(v -> cell + " " + op + " " + bind(v));
        }
      }
      if (term.startsWith("=")) {
        String rest = term.substring(1);
        if (rest.isEmpty()) {
          return Optional.of(cell + " IS NULL");
        }
        Optional<Double> wanted = ColumnFilter.number(rest);
        if (wanted.isEmpty()) {
          return Optional.of("FALSE"); // a number's text is a number
        }
        return finite(wanted).map(v -> cell + " = " + bind(v));
      }
      return Optional.empty(); // text operators on a number's text: Java
    }

    private Optional<String> date(String term, String cell) {
      Optional<String> presence = presence(term, cell);
      if (presence.isPresent()) {
        return presence;
      }
      for (String op : COMPARISONS.split("\\|")) {
        if (term.startsWith(op)) {
          return finite(ColumnFilter.date(term.substring(op.length())))
              .map(v -> cell + " " + op + " " + bind(v));
        }
      }
      return Optional.empty(); // text operators on a date's text: Java
    }

    /** {@code [empty]} and {@code [nonempty]} of a number or date: its text is empty when null. */
    private static Optional<String> presence(String term, String cell) {
      return switch (term) {
        case "[empty]" -> Optional.of(cell + " IS NULL");
        case "[nonempty]" -> Optional.of(cell + " IS NOT NULL");
        default -> Optional.empty();
      };
    }

    private static Optional<Double> finite(Optional<Double> value) {
      return value.filter(Double::isFinite);
    }
  }

  /** Which regular expressions mean the same to Java and to PostgreSQL. */
  static final class Regexes {
    private Regexes() {}

    /**
     * True for patterns of printable ASCII made of literals, {@code . ^ $ | ( ) * + ? {m,n}},
     * bracket expressions without nesting or POSIX classes, and escapes of punctuation or of {@code
     * d D w W s S}; no groups with {@code (?}, possessive quantifiers, back references or Java-only
     * escapes ({@code \b}, {@code \Q}, {@code \p}, ...).
     */
    static boolean portable(String pattern) {
      boolean inClass = false;
      for (int i = 0; i < pattern.length(); i++) {
        char c = pattern.charAt(i);
        if (c < 0x20 || c > 0x7e) {
          return false;
        }
        if (c == '\\') {
          if (i + 1 == pattern.length()) {
            return false;
          }
          char next = pattern.charAt(++i);
          if (Character.isLetterOrDigit(next) && "dDwWsS".indexOf(next) < 0) {
            return false;
          }
          continue;
        }
        if (inClass) {
          if (c == '[' || (c == '&' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '&')) {
            return false;
          }
          if (c == ']') {
            inClass = false;
          }
          continue;
        }
        if (c == '[') {
          String rest = pattern.substring(i + 1);
          if (rest.startsWith("]") || rest.startsWith("^]")) {
            return false; // a leading ']' is literal to PostgreSQL only
          }
          inClass = true;
        } else if (c == '(' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '?') {
          return false;
        } else if ("*+?}".indexOf(c) >= 0
            && i + 1 < pattern.length()
            && pattern.charAt(i + 1) == '+') {
          return false;
        }
      }
      return !inClass;
    }
  }
}
