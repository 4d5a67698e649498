package dev.racetrack.lifecycle.stream;

import dev.racetrack.lifecycle.auth.Authenticator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/** The token a stream's opening request carries: {@code X-Racetrack-Auth}, then legacy names. */
final class StreamAuth {
  private StreamAuth() {}

  static Optional<String> token(Map<String, List<String>> headers) {
    return Stream.concat(Stream.of(Authenticator.HEADER), Authenticator.LEGACY_HEADERS.stream())
        .flatMap(name -> header(headers, name).stream())
        .findFirst();
  }

  private static Optional<String> header(Map<String, List<String>> headers, String name) {
    return headers.entrySet().stream()
        .filter(e -> e.getKey() != null && e.getKey().equalsIgnoreCase(name))
        .flatMap(e -> e.getValue().stream())
        .filter(v -> v != null && !v.isBlank())
        .findFirst();
  }
}
