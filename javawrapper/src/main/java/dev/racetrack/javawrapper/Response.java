package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** A complete HTTP response; written with a Content-Length. */
@SuppressWarnings("ArrayRecordComponent") // built once, written once, never compared
record Response(int status, String contentType, byte[] body, Map<String, String> headers) {
  static final String JSON = "application/json";
  static final String HTML = "text/html; charset=utf-8";
  static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

  Response {
    requireNonNull(contentType, "contentType");
    requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  static Response json(int status, Object value) {
    return new Response(status, JSON, JobJson.write(value), Map.of());
  }

  static Response jsonBytes(int status, byte[] json) {
    return new Response(status, JSON, json, Map.of());
  }

  static Response error(int status, String message) {
    return new Response(status, JSON, JobJson.error(message), Map.of());
  }

  static Response text(int status, String contentType, String text) {
    return new Response(status, contentType, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  Response withHeader(String name, String value) {
    var all = new HashMap<>(headers);
    all.put(name, value);
    return new Response(status, contentType, body, all);
  }
}
