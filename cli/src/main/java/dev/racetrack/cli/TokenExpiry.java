package dev.racetrack.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a new token expires: after a duration ({@code --expires-in 30d}) or at a moment ({@code
 * --expires-at 2030-01-31T12:00:00Z}), never when neither is given.
 */
final class TokenExpiry {
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d{1,9})([mhdw])");

  private TokenExpiry() {}

  static Optional<Instant> of(Optional<String> expiresIn, Optional<String> expiresAt, Instant now) {
    if (expiresIn.isPresent() && expiresAt.isPresent()) {
      throw new CliException("give --expires-in or --expires-at, not both");
    }
    Optional<Instant> expiry =
        expiresIn.map(d -> now.plus(duration(d))).or(() -> expiresAt.map(TokenExpiry::moment));
    if (expiry.isPresent() && !expiry.get().isAfter(now)) {
      throw new CliException("--expires-at " + expiresAt.orElse("") + " is not in the future");
    }
    return expiry;
  }

  /** {@code 90m}, {@code 12h}, {@code 30d}, {@code 2w}, or ISO-8601 such as {@code P30D}. */
  static Duration duration(String text) {
    String trimmed = text.strip().toLowerCase(Locale.ROOT);
    Duration duration;
    Matcher m = SHORT_DURATION.matcher(trimmed);
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      duration =
          switch (m.group(2)) {
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofDays(7 * n);
          };
    } else {
      try {
        duration = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw badDuration(text);
      }
    }
    if (duration.isNegative() || duration.isZero()) {
      throw badDuration(text);
    }
    return duration;
  }

  private static CliException badDuration(String text) {
    return new CliException(
        "--expires-in must be a positive number of minutes, hours, days or weeks"
            + " (e.g. 90m, 12h, 30d, 2w), got '"
            + text
            + "'");
  }

  /** An instant, a date-time with offset, or a date (midnight UTC). */
  static Instant moment(String text) {
    String trimmed = text.strip();
    try {
      return OffsetDateTime.parse(trimmed).toInstant();
    } catch (DateTimeParseException notDateTime) {
      try {
        return LocalDate.parse(trimmed).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notDate) {
        throw new CliException(
            "--expires-at must be an ISO-8601 date (UTC midnight) or date-time with offset"
                + " (e.g. 2030-01-31 or 2030-01-31T12:00:00Z), got '"
                + text
                + "'");
      }
    }
  }
}
