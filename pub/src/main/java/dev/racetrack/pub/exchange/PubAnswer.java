package dev.racetrack.pub.exchange;

import dev.racetrack.model.ErrorBody;
import dev.racetrack.model.Json;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A whole answer PUB sends itself (not streamed from a job): the front adds {@code Content-Length}
 * and PUB's own headers.
 *
 * @param headers header fields to send, in order
 */
public record PubAnswer(int status, List<Map.Entry<String, String>> headers, byte[] body) {

  public PubAnswer {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    headers = List.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** A JSON answer of {@code value} serialised by the platform's mapper. */
  public static PubAnswer json(int status, Object value) {
    try {
      return new PubAnswer(
          status,
          List.of(Map.entry("Content-Type", "application/json")),
          Json.mapper().writeValueAsBytes(value));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** PUB's JSON error answer: {@code {"error": message, "type": type}}. */
  public static PubAnswer error(int status, String message, String type) {
    return json(status, new ErrorBody(message, type));
  }
}
