package dev.racetrack.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;

/** Reads JSON request bodies, turning every kind of malformed input into a 400 that says why. */
public final class JsonBodies {
  private JsonBodies() {}

  /** Parses the request body as {@code type}. */
  public static <T> T read(Context ctx, Class<T> type) {
    String body = ctx.body();
    if (body.isBlank()) {
      throw new ValidationException("request body is empty; expected a JSON object");
    }
    try {
      JsonNode tree = Json.mapper().readTree(body);
      if (!tree.isObject()) {
        throw new ValidationException("request body must be a JSON object");
      }
      return Json.mapper().treeToValue(tree, type);
    } catch (JsonProcessingException e) {
      throw new ValidationException("malformed JSON body: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ValidationException("invalid request body: " + e.getMessage(), e);
    }
  }
}
