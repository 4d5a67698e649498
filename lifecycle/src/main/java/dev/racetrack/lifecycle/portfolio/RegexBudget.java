package dev.racetrack.lifecycle.portfolio;

import dev.racetrack.model.error.ValidationException;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A time limit for regular-expression filtering of one request: matching runs over a character
 * sequence that checks the deadline, so no pattern (catastrophic backtracking included) can stall
 * the server.
 */
public final class RegexBudget {
  private final long deadlineNanos;
  private final Duration limit;

  public RegexBudget(Duration limit) {
    this.limit = limit;
    this.deadlineNanos = System.nanoTime() + limit.toNanos();
  }

  boolean find(Pattern pattern, String text, String column) {
    try {
      return pattern.matcher(new Timed(text)).find();
    } catch (Timeout e) {
      throw new ValidationException(
          "filter of "
              + column
              + ": the regular expression takes too long to evaluate (over "
              + limit.toMillis()
              + " ms); simplify it");
    }
  }

  private static final class Timeout extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Timeout() {
      super(null, null, false, false);
    }
  }

  /** A char sequence that gives up when the budget is spent. */
  private final class Timed implements CharSequence {
    private final String text;
    private int calls;

    Timed(String text) {
      this.text = text;
    }

    @Override
    public char charAt(int index) {
      if ((++calls & 0x3FF) == 0 && System.nanoTime() > deadlineNanos) {
        throw new Timeout();
      }
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return new Timed(text.substring(start, end));
    }

    @Override
    public String toString() {
      return text;
    }
  }
}
