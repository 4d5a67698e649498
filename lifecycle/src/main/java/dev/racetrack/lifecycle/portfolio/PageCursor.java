package dev.racetrack.lifecycle.portfolio;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.ValidationException;
import java.io.IOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An opaque page cursor: the sort, the instant the purge scores were computed at (so a score that
 * ages between pages does not move rows across the page boundary), and the position of the last row
 * of the previous page. Rows added or removed between pages neither repeat nor go missing (except
 * the ones added or removed).
 */
public record PageCursor(JobSort sort, long asOf, JobSort.Position after) {

  public String encode() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("s", sort.wireName());
    fields.put("t", asOf);
    fields.put("n", after.number());
    fields.put("x", after.text());
    fields.put("name", after.name());
    fields.put("v", after.version());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.writeBytes(fields));
  }

  /**
   * @throws ValidationException naming the cursor when it is not one this server made
   */
  public static PageCursor decode(String text) {
    try {
      JsonNode node = Json.mapper().readTree(Base64.getUrlDecoder().decode(text));
      if (node == null
          || !node.path("s").isTextual()
          || !node.path("t").canConvertToLong()
          || !node.path("n").isNumber()
          || !node.path("x").isTextual()
          || !node.path("name").isTextual()
          || !node.path("v").isTextual()) {
        throw invalid(text);
      }
      return new PageCursor(
          JobSort.fromWire(node.path("s").asText()),
          node.path("t").asLong(),
          new JobSort.Position(
              node.path("n").asDouble(),
              node.path("x").asText(),
              node.path("name").asText(),
              node.path("v").asText()));
    } catch (IOException | IllegalArgumentException e) {
      throw invalid(text);
    }
  }

  private static ValidationException invalid(String text) {
    String shown = text.length() > 80 ? text.substring(0, 80) + "..." : text;
    return new ValidationException(
        "cursor '" + shown + "' is not a valid page cursor; start again without it");
  }
}
