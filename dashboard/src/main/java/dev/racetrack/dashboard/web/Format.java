package dev.racetrack.dashboard.web;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Small formatting functions the templates use. */
public final class Format {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private Format() {}

  /** A Unix time (seconds) as a UTC date and time; empty for a missing value. */
  public static String time(JsonNode seconds) {
    return seconds.isNumber() ? TIME.format(Instant.ofEpochSecond(seconds.asLong())) : "";
  }

  /** A text field, empty when missing or null. */
  public static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isMissingNode() || value.isNull() ? "" : value.asText();
  }

  /** The CSS class of a status dot. */
  public static String dot(JsonNode job) {
    return "dot dot-" + text(job, "status").toLowerCase(Locale.ROOT).replaceAll("[^a-z_]", "");
  }

  /** A number with at most one decimal. */
  public static String number(JsonNode value) {
    if (!value.isNumber()) {
      return value.isNull() || value.isMissingNode() ? "" : value.asText();
    }
    double d = value.asDouble();
    return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.1f", d);
  }

  /** Seconds as a short duration ("42 s", "3 min 5 s"). */
  public static String duration(JsonNode seconds) {
    if (!seconds.isNumber()) {
      return "";
    }
    long s = Math.round(seconds.asDouble());
    return s < 60 ? s + " s" : (s / 60) + " min " + (s % 60) + " s";
  }
}
