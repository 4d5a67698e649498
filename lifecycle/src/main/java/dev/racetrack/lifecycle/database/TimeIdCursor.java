package dev.racetrack.lifecycle.audit;

import dev.racetrack.model.error.ValidationException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * Where a page of the audit log ends: the time and id of its last (oldest) event. The next page
 * starts strictly after it in the log's order (newest first, then id), so new events written
 * between pages do not shift the pages, and no page needs OFFSET.
 */
public record AuditCursor(Instant timestamp, String id) {

  public String encode() {
    long micros =
        Math.addExact(
            Math.multiplyExact(timestamp.getEpochSecond(), 1_000_000L), timestamp.getNano() / 1000);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString((micros + ":" + id).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * @throws ValidationException naming the cursor when this server did not make it
   */
  public static AuditCursor decode(String text) {
    try {
      String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
      int colon = plain.indexOf(':');
      if (colon < 1 || colon == plain.length() - 1 || plain.length() > 100) {
        throw invalid(text);
      }
      long micros = Long.parseLong(plain.substring(0, colon));
      return new AuditCursor(
          Instant.ofEpochSecond(
              Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000),
          plain.substring(colon + 1));
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw invalid(text);
    }
  }

  private static ValidationException invalid(String text) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return new ValidationException(
        "cursor '" + shown + "' is not a valid audit cursor; start again without it");
  }
}
