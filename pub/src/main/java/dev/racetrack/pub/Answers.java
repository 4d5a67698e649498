package dev.racetrack.pub;

import dev.racetrack.model.Json;
import dev.racetrack.pub.exchange.PubAnswer;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every answer PUB makes itself, rendered in one place: JSON errors ({@code {"error": ...,
 * "requestId": ...}}), JSON and text bodies, redirects. The front adds the tracing id header.
 */
final class Answers {
  static final String JSON = "application/json";
  static final String HTML = "text/html; charset=utf-8";

  private Answers() {}

  /** PUB's JSON error naming the call's tracing id. */
  static FullHttpResponse error(int status, String message, String tracingId) {
    return bytes(status, JSON, errorJson(message, tracingId));
  }

  /** The body of {@link #error}: {@code {"error": message, "requestId": tracingId}}. */
  /** The answer to a request the codec refused: 431, 414 or 400, naming what was wrong. */
  static FullHttpResponse refusal(Throwable cause, String tracingId) {
    if (cause instanceof TooLongHttpHeaderException) {
      return error(431, "Request header fields too large", tracingId);
    }
    if (cause instanceof TooLongHttpLineException) {
      return error(414, "Request line too long", tracingId);
    }
    if (cause instanceof TooLongFrameException) {
      return error(431, "Request head too large", tracingId);
    }
    return error(400, "Bad request: " + cause.getMessage(), tracingId);
  }

  static byte[] errorJson(String message, String tracingId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("requestId", tracingId);
    return Json.writeBytes(body);
  }

  /** A failed call to a job (502, or 504 on a time-out): the cause and the job it was meant for. */
  static FullHttpResponse proxyError(
      int status, String message, CallPermit permit, String tracingId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", message);
    body.put("jobName", permit.jobName());
    body.put("jobVersion", permit.jobVersion());
    body.put("jobStatus", permit.jobStatus());
    body.put("requestId", tracingId);
    body.put("caller", permit.caller().orElse(null));
    return json(status, body);
  }

  static FullHttpResponse json(int status, Object body) {
    return bytes(status, JSON, Json.writeBytes(body));
  }

  static FullHttpResponse text(int status, String contentType, String body) {
    return bytes(status, contentType, body.getBytes(StandardCharsets.UTF_8));
  }

  static FullHttpResponse bytes(int status, String contentType, byte[] body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
    return response;
  }

  static FullHttpResponse redirect(int status, String location) {
    FullHttpResponse response = bytes(status, JSON, new byte[0]);
    response.headers().remove(HttpHeaderNames.CONTENT_TYPE);
    response.headers().set(HttpHeaderNames.LOCATION, location);
    return response;
  }

  /** An answer of PUB's async calls. */
  static FullHttpResponse of(PubAnswer answer) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(answer.status()),
            Unpooled.wrappedBuffer(answer.body()));
    answer.headers().forEach(h -> response.headers().add(h.getKey(), h.getValue()));
    response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
    return response;
  }
}
