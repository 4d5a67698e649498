package dev.racetrack.pub.async;

import dev.racetrack.model.AsyncJobCall;
import dev.racetrack.pub.exchange.PubRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The request headers an async task calls its job with. */
final class ForwardedHeaders {
  private static final String TRACING_HEADER = "X-Request-Tracing-Id";
  private static final String CALLER_HEADER = "X-Caller-Name";

  /** Client headers not stored: PUB sets these itself (lower case). */
  private static final Set<String> REPLACED =
      Set.of(
          "x-caller-name",
          "x-request-tracing-id",
          "x-forwarded-for",
          "x-forwarded-host",
          "x-forwarded-proto");

  private ForwardedHeaders() {}

  /**
   * The headers the job is called with, as a synchronous call forwards them: the client's
   * (credentials dropped by {@link AsyncJobCall}, hop-by-hop ones by {@link JobClient}) plus PUB's
   * forwarding headers, tracing id and the caller's name.
   */
  static Map<String, String> of(PubRequest request, Optional<String> caller) {
    Map<String, String> headers = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    for (Map.Entry<String, String> h : request.headers()) {
      String lower = h.getKey().toLowerCase(Locale.ROOT);
      if (REPLACED.contains(lower) || JobClient.NOT_SENT.contains(lower)) {
        continue;
      }
      String name = names.computeIfAbsent(lower, k -> h.getKey());
      headers.merge(name, h.getValue(), (a, b) -> a + ", " + b);
    }
    String forwardedFor =
        request.headers().stream()
            .filter(h -> h.getKey().equalsIgnoreCase("X-Forwarded-For"))
            .map(Map.Entry::getValue)
            .reduce((a, b) -> a + ", " + b)
            .map(f -> f + ", " + request.remoteAddress())
            .orElse(request.remoteAddress());
    headers.put("X-Forwarded-For", forwardedFor);
    request.header("Host").ifPresent(host -> headers.put("X-Forwarded-Host", host));
    headers.put("X-Forwarded-Proto", request.scheme());
    headers.put(
        TRACING_HEADER,
        request.header(TRACING_HEADER).orElseGet(() -> UUID.randomUUID().toString()));
    caller.ifPresent(c -> headers.put(CALLER_HEADER, c));
    return headers;
  }
}
