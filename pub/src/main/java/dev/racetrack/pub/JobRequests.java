package dev.racetrack.pub;

import dev.racetrack.model.auth.JobCallSecrets;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
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

  private JobRequests() {}

  /** The request head for the job. */
  static HttpRequest forJob(
      HttpRequest client,
      CallPermit permit,
      ProxyCall.Target target,
      String tracingId,
      String clientAddress,
      String secret) {
    String query = target.routed().query();
    String uri =
        "/pub/job/"
            + permit.jobName()
            + "/"
            + permit.jobVersion()
            + target.jobPath()
            + (query == null ? "" : "?" + query);
    HttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, client.method(), uri, false);
    HttpHeaders in = client.headers();
    HttpHeaders headers = out.headers();
    headers.set(HttpHeaderNames.HOST, permit.internalName());
    Set<String> connectionTokens = connectionTokens(in);
    for (Map.Entry<CharSequence, CharSequence> field : iterable(in)) {
      CharSequence name = field.getKey();
      if (listed(HOP_BY_HOP, name)
          || listed(NOT_FORWARDED, name)
          || tokenListed(connectionTokens, name)) {
        continue;
      }
      headers.add(name, field.getValue());
    }
    for (String cookies : in.getAll(HttpHeaderNames.COOKIE)) {
      String kept = ForwardedRequest.withoutAuthCookie(cookies);
      if (!kept.isEmpty()) {
        headers.add(HttpHeaderNames.COOKIE, kept);
      }
    }
    List<String> forwardedFor = in.getAll("X-Forwarded-For");
    headers.set(
        "X-Forwarded-For",
        forwardedFor.isEmpty()
            ? clientAddress
            : String.join(", ", forwardedFor) + ", " + clientAddress);
    String host = in.get(HttpHeaderNames.HOST);
    if (host != null) {
      headers.set("X-Forwarded-Host", host);
    }
    headers.set("X-Forwarded-Proto", "http");
    headers.set(Front.TRACING_HEADER, tracingId);
    permit.caller().ifPresent(caller -> headers.set(CALLER_HEADER, caller));
    headers.set(JobCallSecrets.HEADER, secret);
    if (isWebSocketUpgrade(client)) {
      // the one upgrade PUB proxies: the job answers 101 and the connection carries websocket
      // frames
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
      headers.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
      return out;
    }
    if (HttpUtil.isTransferEncodingChunked(client)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    } else {
      headers.set(
          HttpHeaderNames.CONTENT_LENGTH, Long.toString(HttpUtil.getContentLength(client, 0L)));
    }
    return out;
  }

  private static Iterable<Map.Entry<CharSequence, CharSequence>> iterable(HttpHeaders headers) {
    return headers::iteratorCharSequence;
  }

  /** The job's answer head for the client. */
  static HttpResponse forClient(
      HttpResponse job,
      HttpRequest client,
      CallPermit permit,
      ProxyCall.Target target,
      JobAnswerHeaders answerHeaders) {
    HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, job.status(), false);
    HttpHeaders in = job.headers();
    HttpHeaders headers = out.headers();
    Set<String> connectionTokens = connectionTokens(in);
    for (Map.Entry<CharSequence, CharSequence> field : iterable(in)) {
      CharSequence name = field.getKey();
      if (listed(HOP_BY_HOP, name)
          || tokenListed(connectionTokens, name)
          || AsciiString.contentEqualsIgnoreCase(name, Front.TRACING_HEADER)) {
        continue;
      }
      headers.add(name, field.getValue());
    }
    answerHeaders.apply(permit.jobName(), target.routed().hostJob().isPresent(), headers);
    int code = job.status().code();
    boolean bodyless =
        HttpMethod.HEAD.equals(client.method()) || code == 204 || code == 304 || code < 200;
    if (!bodyless && !headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    }
    return out;
  }

  private static boolean listed(List<AsciiString> names, CharSequence name) {
    for (AsciiString listed : names) {
      if (listed.contentEqualsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
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

  private static boolean tokenListed(Set<String> tokens, CharSequence name) {
    return !tokens.isEmpty() && tokens.contains(name.toString().toLowerCase(Locale.ROOT));
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
