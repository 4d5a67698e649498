package dev.racetrack.pub;

import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.pub.upstream.UpstreamPool;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The heads PUB sends on: the client's request as the job sees it (without the caller's
 * credentials, with PUB's forwarding headers and the job's secret) and the job's answer as the
 * client sees it (without hop-by-hop fields, with PUB's browser rules).
 */
final class JobRequests {
  static final String CALLER_HEADER = "X-Caller-Name";

  /** Hop-by-hop fields (RFC 9110 §7.6.1), never passed on in either direction. */
  private static final List<AsciiString> HOP_BY_HOP =
      List.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          AsciiString.cached("proxy-connection"),
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.TRANSFER_ENCODING,
          HttpHeaderNames.UPGRADE,
          HttpHeaderNames.PROXY_AUTHENTICATE);

  /** Request fields never forwarded: PUB sets them itself, or they are the caller's secrets. */
  private static final List<AsciiString> NOT_FORWARDED =
      List.of(
          HttpHeaderNames.PROXY_AUTHORIZATION,
          HttpHeaderNames.EXPECT,
          HttpHeaderNames.HOST,
          HttpHeaderNames.CONTENT_LENGTH,
          AsciiString.cached("x-forwarded-host"),
          AsciiString.cached("x-forwarded-proto"),
          AsciiString.cached("x-forwarded-for"),
          AsciiString.cached("x-racetrack-auth"),
          AsciiString.cached("x-racetrack-esc-auth"),
          AsciiString.cached("x-racetrack-user-auth"),
          AsciiString.cached(JobCallSecrets.HEADER.toLowerCase(Locale.ROOT)),
          AsciiString.cached(CALLER_HEADER.toLowerCase(Locale.ROOT)),
          AsciiString.cached(Front.TRACING_HEADER.toLowerCase(Locale.ROOT)),
          HttpHeaderNames.COOKIE);

  private static final AsciiString X_FORWARDED_FOR = AsciiString.cached("X-Forwarded-For");
  private static final AsciiString X_FORWARDED_HOST = AsciiString.cached("X-Forwarded-Host");
  private static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("X-Forwarded-Proto");
  private static final AsciiString HTTP = AsciiString.cached("http");
  private static final AsciiString TRACING = AsciiString.cached(Front.TRACING_HEADER);
  private static final AsciiString CALLER = AsciiString.cached(CALLER_HEADER);
  private static final AsciiString SECRET = AsciiString.cached(JobCallSecrets.HEADER);

  private static final AsciiString HTTPS = AsciiString.cached("https");

  private JobRequests() {}

  /**
   * What PUB adds to a call on its way to the job.
   *
   * @param tracingId the call's tracing id
   * @param clientAddress the caller's address ({@code X-Forwarded-For})
   * @param tls whether the caller reached PUB over TLS ({@code X-Forwarded-Proto: https})
   * @param secret the job's call secret
   */
  record Hop(String tracingId, String clientAddress, boolean tls, String secret) {}

  /**
   * Turns the client's request head into the job's, in place (a call copies no header map): the
   * caller's credentials, hop-by-hop fields and the fields PUB sets itself are removed, then PUB's
   * forwarding fields, tracing id, caller and the job's secret are set. The head is the client's no
   * more afterwards: whatever else needs the client's fields reads them first.
   */
  static HttpRequest forJob(
      HttpRequest client, CallPermit permit, ProxyCall.Target target, Hop hop) {
    HttpHeaders headers = client.headers();
    boolean upgrade = isWebSocketUpgrade(client);
    boolean chunked = !upgrade && HttpUtil.isTransferEncodingChunked(client);
    long length = upgrade || chunked ? 0 : HttpUtil.getContentLength(client, 0L);
    String host = headers.get(HttpHeaderNames.HOST);
    String forwardedFor = forwardedFor(headers, hop.clientAddress());
    List<String> cookies =
        headers.contains(HttpHeaderNames.COOKIE)
            ? headers.getAll(HttpHeaderNames.COOKIE)
            : List.of();
    removeConnectionTokens(headers);
    for (AsciiString name : HOP_BY_HOP) {
      headers.remove(name);
    }
    for (AsciiString name : NOT_FORWARDED) {
      headers.remove(name);
    }
    headers.set(
        HttpHeaderNames.HOST,
        permit.internalName().startsWith(UpstreamPool.UNIX_PREFIX)
            ? "localhost" // a socket path is no host name
            : permit.internalName());
    for (String cookie : cookies) {
      String kept = AuthCookies.withoutAuthCookies(cookie);
      if (!kept.isEmpty()) {
        headers.add(HttpHeaderNames.COOKIE, kept);
      }
    }
    headers.set(X_FORWARDED_FOR, forwardedFor);
    if (host != null) {
      headers.set(X_FORWARDED_HOST, host);
    }
    headers.set(X_FORWARDED_PROTO, hop.tls() ? HTTPS : HTTP);
    headers.set(TRACING, hop.tracingId());
    permit.caller().ifPresent(caller -> headers.set(CALLER, caller));
    headers.set(SECRET, hop.secret());
    if (upgrade) {
      // the one upgrade PUB proxies: the job answers 101 and the connection carries websocket
      // frames
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
    } else if (chunked) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    } else {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
    }
    client.setUri(jobUri(permit, target));
    client.setProtocolVersion(HttpVersion.HTTP_1_1);
    return client;
  }

  private static String jobUri(CallPermit permit, ProxyCall.Target target) {
    String query = target.routed().query();
    StringBuilder uri =
        new StringBuilder(
                16
                    + permit.jobName().length()
                    + permit.jobVersion().length()
                    + target.jobPath().length()
                    + (query == null ? 0 : query.length() + 1))
            .append("/pub/job/")
            .append(permit.jobName())
            .append('/')
            .append(permit.jobVersion())
            .append(target.jobPath());
    if (query != null) {
      uri.append('?').append(query);
    }
    return uri.toString();
  }

  private static String forwardedFor(HttpHeaders headers, String clientAddress) {
    if (!headers.contains(X_FORWARDED_FOR)) {
      return clientAddress;
    }
    return String.join(", ", headers.getAll(X_FORWARDED_FOR)) + ", " + clientAddress;
  }

  /** Removes the fields the {@code Connection} field names (RFC 9110 §7.6.1). */
  private static void removeConnectionTokens(HttpHeaders headers) {
    if (headers.contains(HttpHeaderNames.CONNECTION)) {
      for (String token : connectionTokens(headers)) {
        headers.remove(token);
      }
    }
  }

  private static Iterable<Map.Entry<CharSequence, CharSequence>> iterable(HttpHeaders headers) {
    return headers::iteratorCharSequence;
  }

  /**
   * Turns the job's answer head into the client's, in place: hop-by-hop fields and the job's
   * tracing id removed, PUB's browser rules applied ({@link JobAnswerHeaders}), chunked framing
   * where the job's answer has no length.
   */
  static HttpResponse forClient(
      HttpResponse job,
      HttpRequest client,
      CallPermit permit,
      ProxyCall.Target target,
      JobAnswerHeaders answerHeaders) {
    HttpHeaders headers = job.headers();
    removeConnectionTokens(headers);
    for (AsciiString name : HOP_BY_HOP) {
      headers.remove(name);
    }
    headers.remove(TRACING);
    answerHeaders.apply(permit.jobName(), target.routed().hostJob().isPresent(), headers);
    int code = job.status().code();
    boolean bodyless =
        HttpMethod.HEAD.equals(client.method()) || code == 204 || code == 304 || code < 200;
    if (!bodyless && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    job.setProtocolVersion(HttpVersion.HTTP_1_1);
    return job;
  }

  private static Set<String> connectionTokens(HttpHeaders headers) {
    List<String> values = headers.getAll(HttpHeaderNames.CONNECTION);
    if (values.isEmpty()) {
      return Set.of();
    }
    Set<String> tokens = new HashSet<>();
    for (String value : values) {
      for (String token : value.split(",")) {
        tokens.add(token.strip().toLowerCase(Locale.ROOT));
      }
    }
    return tokens;
  }

  /** Whether the request asks to switch the connection to websocket (RFC 6455 §4.1). */
  static boolean isWebSocketUpgrade(HttpRequest request) {
    HttpHeaders headers = request.headers();
    return HttpMethod.GET.equals(request.method())
        && headers.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)
        && headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true);
  }

  /** The job's 101 answer for the client: its websocket handshake fields, PUB's tracing id. */
  static FullHttpResponse switching(HttpResponse job) {
    FullHttpResponse out =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, job.status(), io.netty.buffer.Unpooled.EMPTY_BUFFER, false);
    for (Map.Entry<CharSequence, CharSequence> field : iterable(job.headers())) {
      if (!AsciiString.contentEqualsIgnoreCase(field.getKey(), Front.TRACING_HEADER)) {
        out.headers().add(field.getKey(), field.getValue());
      }
    }
    return out;
  }

  /** Whether the caller asked for an async task when the call takes too long (RFC 7240). */
  static boolean prefersAsync(HttpHeaders headers) {
    for (String prefer : headers.getAll("Prefer")) {
      for (String preference : prefer.split(",")) {
        if (preference.strip().toLowerCase(Locale.ROOT).startsWith("respond-async")) {
          return true;
        }
      }
    }
    return false;
  }

  /** 429: the job already has as many calls as its manifest allows. */
  static FullHttpResponse tooBusy(CallPermit permit, String tracingId) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(
        "error",
        "job "
            + permit.jobName()
            + " "
            + permit.jobVersion()
            + " is busy: it serves at most "
            + permit.maxConcurrency()
            + " calls at once"
            + (permit.maxConcurrencyQueue() > 0
                ? " with " + permit.maxConcurrencyQueue() + " waiting"
                : "")
            + "; try again later");
    body.put("jobName", permit.jobName());
    body.put("jobVersion", permit.jobVersion());
    body.put("requestId", tracingId);
    FullHttpResponse response = Answers.json(429, body);
    response.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
    return response;
  }

  /** A duration as the limit's message names it: {@code 30 s}, {@code 2 min}, {@code 1.5 s}. */
  static String describe(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 60_000 == 0 && millis >= 60_000) {
      return (millis / 60_000) + " min";
    }
    if (millis % 1000 == 0) {
      return (millis / 1000) + " s";
    }
    return (millis / 1000.0) + " s";
  }
}
