package dev.racetrack.http;

import io.javalin.http.Context;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who a request comes from and whether it came over https, trusting {@code X-Forwarded-For} and
 * {@code X-Forwarded-Proto} only when the connection comes from a configured reverse proxy ({@code
 * TRUSTED_PROXIES}). From anyone else these headers are ignored, so a client cannot pick the
 * address its login attempts are counted against.
 */
public final class ClientAddress {
  private final Set<InetAddress> trustedProxies;

  public ClientAddress(Set<InetAddress> trustedProxies) {
    this.trustedProxies = Set.copyOf(trustedProxies);
  }

  /**
   * Parses a comma-separated list of proxy IP addresses (literal addresses only, no host names).
   *
   * @param variable the setting's name, for the error message
   * @throws IllegalArgumentException naming the variable and the bad entry
   */
  public static ClientAddress parse(String list, String variable) {
    return new ClientAddress(
        Arrays.stream(list.split(","))
            .map(String::strip)
            .filter(s -> !s.isEmpty())
            .map(
                s ->
                    literal(s)
                        .orElseThrow(
                            () ->
                                new IllegalArgumentException(
                                    variable
                                        + " must list IP addresses separated by commas, got '"
                                        + s
                                        + "'")))
            .collect(Collectors.toSet()));
  }

  /** The client's address: the peer's, or the nearest untrusted hop a trusted proxy reports. */
  public String client(Context ctx) {
    String peer = ctx.req().getRemoteAddr();
    if (!trusted(peer)) {
      return peer;
    }
    String forwarded = ctx.header("X-Forwarded-For");
    if (forwarded == null || forwarded.isBlank()) {
      return peer;
    }
    List<String> hops = Arrays.stream(forwarded.split(",")).map(String::strip).toList();
    for (String hop : hops.reversed()) {
      if (literal(hop).isEmpty()) {
        return peer; // garbage in the chain: count it against the proxy, not a made-up name
      }
      if (!trusted(hop)) {
        return hop;
      }
    }
    return hops.getFirst();
  }

  /** The request's scheme: the connection's, or a trusted proxy's {@code X-Forwarded-Proto}. */
  public String scheme(Context ctx) {
    String proto = ctx.header("X-Forwarded-Proto");
    if (proto != null && trusted(ctx.req().getRemoteAddr())) {
      String first = proto.split(",")[0].strip().toLowerCase(java.util.Locale.ROOT);
      if (first.equals("https") || first.equals("http")) {
        return first;
      }
    }
    return ctx.req().getScheme();
  }

  /** Whether {@code address} is one of the configured proxies. */
  public boolean isTrustedProxy(String address) {
    return trusted(address);
  }

  private boolean trusted(String address) {
    return literal(address).map(trustedProxies::contains).orElse(false);
  }

  /** An IP address literal, never a DNS lookup. */
  private static Optional<InetAddress> literal(String text) {
    String s =
        text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    if (!s.matches("[0-9.]+|[0-9a-fA-F:.%]*:[0-9a-fA-F:.%]*")) {
      return Optional.empty();
    }
    try {
      return Optional.of(InetAddress.getByName(s));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }
}
