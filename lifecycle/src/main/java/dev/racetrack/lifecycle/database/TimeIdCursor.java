package dev.racetrack.lifecycle.database;

import dev.racetrack.model.error.ValidationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a page of a newest-first list ends (keyset paging): the time and id of its last (oldest)
 * row. The next page starts strictly after it in the list's order (newest first, then id), so rows
 * written between pages do not shift the pages, and no page needs OFFSET. The audit log and the
 * deployments history page with it.
 */
public record TimeIdCursor(Instant timestamp, String id) {
  /** The header of array answers that holds the next page's cursor, when there is one. */
  public static final String NEXT_HEADER = "X-Racetrack-Next-Cursor";

  public String encode() {
    long micros =
        Math.addExact(
            Math.multiplyExact(timestamp.getEpochSecond(), 1_000_000L), timestamp.getNano() / 1000);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((micros + ":" + id).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @param list what the cursor pages ("audit", "deployments"), named in the refusal
   * @throws ValidationException naming the cursor when this server did not make it
   */
  public static TimeIdCursor decode(String text, String list) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int colon = plain.indexOf(':');
      if (colon < 1 || colon == plain.length() - 1 || plain.length() > 100) {
        throw invalid(text, list);
      }
      long micros = Long.parseLong(plain.substring(0, colon));
      return new TimeIdCursor(
          Instant.ofEpochSecond(
              Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000),
          plain.substring(colon + 1));
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw invalid(text, list);
    }
  }

  private static ValidationException invalid(String text, String list) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return new ValidationException(
        "cursor '" + shown + "' is not a valid " + list + " cursor; start again without it");
  }
}
