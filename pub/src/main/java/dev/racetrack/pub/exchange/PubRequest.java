package dev.racetrack.pub.exchange;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole request PUB answers itself instead of streaming it to a job (async call endpoints): the
 * front has parsed and validated it and read its body, within PUB's body limit.
 *
 * @param path the decoded-free request path as received, without the query
 * @param query the raw query string without {@code ?}, empty when there is none
 * @param headers header fields in arrival order, names as received (compare case-insensitively)
 * @param remoteAddress the caller's address (the client, after {@code TRUSTED_PROXIES})
 * @param scheme how the caller reached PUB: {@code http}, or {@code https} over PUB's TLS
 */
public record PubRequest(
    String method,
    String path,
    String query,
    List<Map.Entry<String, String>> headers,
    byte[] body,
    String remoteAddress,
    String scheme) {

  public PubRequest {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    headers = List.copyOf(headers);
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(remoteAddress, "remoteAddress");
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException("scheme must be http or https, not " + scheme);
    }
  }

  /** The first value of header {@code name} (case-insensitive). */
  public Optional<String> header(String name) {
    return headers.stream()
        .filter(h -> h.getKey().equalsIgnoreCase(name))
        .map(Map.Entry::getValue)
        .findFirst();
  }
}
