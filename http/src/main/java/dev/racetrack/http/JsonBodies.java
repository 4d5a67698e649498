package dev.racetrack.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.PayloadTooLargeException;
import dev.racetrack.model.error.ValidationException;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Reads JSON request bodies, turning every kind of malformed input into a 400 that says why. */
public final class JsonBodies {
  /** The request attribute holding the body limit of the route ({@link ApiServer} sets it). */
  static final String LIMIT_ATTRIBUTE = "racetrack.body-limit";

  private static final String BODY_ATTRIBUTE = "racetrack.body";

  private JsonBodies() {}

  /**
   * Parses the request body as {@code type}, reading at most the route's body limit (a chunked body
   * without Content-Length is cut off there with 413, not buffered whole).
   */
  public static <T> T read(Context ctx, Class<T> type) {
    String body = body(ctx);
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

  /** The body as text, read up to the route's limit. */
  public static String body(Context ctx) {
    String cached = ctx.attribute(BODY_ATTRIBUTE);
    if (cached != null) {
      return cached;
    }
    Long limit = ctx.attribute(LIMIT_ATTRIBUTE);
    if (limit == null) {
      return ctx.body();
    }
    try (InputStream in = ctx.req().getInputStream()) {
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
      if (bytes.length > limit) {
        throw new PayloadTooLargeException(
            "request body is above the limit of " + limit + " bytes for this route");
      }
      String body = new String(bytes, StandardCharsets.UTF_8);
      ctx.attribute(BODY_ATTRIBUTE, body);
      return body;
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body failed", e);
    }
  }
}
