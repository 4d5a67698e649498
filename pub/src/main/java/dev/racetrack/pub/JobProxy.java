package dev.racetrack.pub;

import dev.racetrack.model.Json;
import dev.racetrack.model.auth.JobCallSecrets;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.SequenceInputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Blocker;
import org.eclipse.jetty.util.Callback;

/**
 * Forwards a call to the job chosen by {@link GatewayHandler} over a pooled keep-alive HTTP/1.1
 * connection ({@link UpstreamPool}), on the thread handling the request: the request head and a
 * small body go out in one write, a small answer comes back in one write, and larger or streamed
 * bodies (chunked, or without a length) flow through piece by piece as they arrive. Transport
 * failures before the answer starts become 502 (504 on time-out) JSON errors naming the cause.
 *
 * <p>This replaces a general-purpose asynchronous proxy: with the job usually on the same machine,
 * a blocking exchange costs a fraction of the CPU per call (see docs/benchmarks.md).
 */
final class JobProxy implements AutoCloseable {
  /** Bodies up to this size are read whole and sent in one write. */
  static final int BUFFERED_BODY = 64 * 1024;

  private static final int PIECE = 16 * 1024;
  private static final byte[] CRLF = {'\r', '\n'};

  /** Request headers never forwarded: hop-by-hop ones and those the proxy sets itself. */
  private static final Set<String> NOT_FORWARDED =
      HttpHead.hopByHopAnd(
          "proxy-authorization",
          "expect",
          "host",
          "content-length",
          "x-forwarded-host",
          "x-forwarded-proto");

  /** Response headers never passed back: hop-by-hop ones. */
  private static final Set<String> NOT_RETURNED = HttpHead.hopByHopAnd("content-length");

  private final PubMetrics metrics;
  private final PermitCache cache;
  private final UpstreamPool pool;
  private final JobCallSecrets secrets;
  private final JobAnswerHeaders answerHeaders;

  /**
   * One call to forward: to whom, which path (still percent-encoded), what to add, and whether it
   * came to the job's own host.
   */
  record Call(
      CallPermit permit,
      String pathAndQuery,
      Map<String, String> headers,
      String tracingId,
      boolean onJobHost) {}

  JobProxy(
      PubMetrics metrics,
      PermitCache cache,
      UpstreamPool pool,
      JobCallSecrets secrets,
      JobAnswerHeaders answerHeaders) {
    this.metrics = metrics;
    this.cache = cache;
    this.pool = pool;
    this.secrets = secrets;
    this.answerHeaders = answerHeaders;
  }

  /** Forwards the call; completes {@code callback} when the answer has gone out or failed. */
  void forward(Request request, Response response, Callback callback, Call call) {
    UpstreamPool.Address address;
    try {
      address = pool.address(call.permit().internalName());
    } catch (IllegalArgumentException e) {
      fail(request, response, callback, call, new ConnectException(e.getMessage()));
      return;
    }
    Upstream upstream = null;
    try {
      OutgoingBody body = OutgoingBody.read(request);
      byte[] head =
          requestHead(
              request,
              call,
              address,
              body,
              secrets.secret(call.permit().jobName(), call.permit().jobVersion()));
      upstream = exchange(address, head, body, request.getMethod());
      relay(request, response, callback, upstream, call);
    } catch (IOException | RuntimeException e) {
      if (upstream != null) {
        upstream.close();
      }
      fail(request, response, callback, call, e);
    }
  }

  /**
   * Sends the request and reads the answer's head. A pooled connection the job closed while it was
   * idle fails before any answer byte: then the call is sent once more on a new connection,
   * provided its body was read whole (nothing of it is lost).
   */
  private Upstream exchange(
      UpstreamPool.Address address, byte[] head, OutgoingBody body, String method)
      throws IOException {
    Upstream upstream = pool.borrow(address);
    try {
      send(upstream, head, body);
      upstream.readHead("HEAD".equals(method));
      return upstream;
    } catch (IOException e) {
      upstream.close();
      if (!upstream.reused() || upstream.answerStarted() || !body.replayable()) {
        throw e;
      }
    }
    Upstream fresh = pool.connect(address);
    try {
      send(fresh, head, body);
      fresh.readHead("HEAD".equals(method));
      return fresh;
    } catch (IOException e) {
      fresh.close();
      throw e;
    }
  }

  private static void send(Upstream upstream, byte[] head, OutgoingBody body) throws IOException {
    if (body.buffered() != null) {
      byte[] whole = new byte[head.length + body.buffered().length];
      System.arraycopy(head, 0, whole, 0, head.length);
      System.arraycopy(body.buffered(), 0, whole, head.length, body.buffered().length);
      upstream.write(whole);
      return;
    }
    upstream.write(head);
    body.stream(upstream);
  }

  /**
   * The request head for the job: filtered client headers plus the proxy's own, among them the
   * job's secret (a client's {@link JobCallSecrets#HEADER} never passes).
   */
  private static byte[] requestHead(
      Request request, Call call, UpstreamPool.Address address, OutgoingBody body, String secret) {
    StringBuilder head = new StringBuilder(1024);
    head.append(request.getMethod())
        .append(' ')
        .append(call.pathAndQuery())
        .append(" HTTP/1.1\r\n");
    head.append("Host: ").append(address.hostHeader()).append("\r\n");
    String forwardedFor = null;
    for (HttpField field : request.getHeaders()) {
      String name = field.getLowerCaseName();
      if (NOT_FORWARDED.contains(name)
          || ForwardedRequest.isCredentialOrCaller(field)
          || call.headers().containsKey(field.getName())) {
        continue;
      }
      if (name.equals("cookie")) {
        String cookies = ForwardedRequest.withoutAuthCookie(field.getValue());
        if (!cookies.isEmpty()) {
          header(head, field.getName(), cookies);
        }
        continue;
      }
      if (name.equals("x-forwarded-for")) {
        forwardedFor =
            forwardedFor == null ? field.getValue() : forwardedFor + ", " + field.getValue();
        continue;
      }
      header(head, field.getName(), field.getValue());
    }
    String client = Request.getRemoteAddr(request);
    header(head, "X-Forwarded-For", forwardedFor == null ? client : forwardedFor + ", " + client);
    String host = request.getHeaders().get(HttpHeader.HOST);
    if (host != null) {
      header(head, "X-Forwarded-Host", host);
    }
    header(head, "X-Forwarded-Proto", request.isSecure() ? "https" : "http");
    call.headers().forEach((name, value) -> header(head, name, value));
    header(head, JobCallSecrets.HEADER, secret);
    if (body.length() >= 0) {
      header(head, "Content-Length", Long.toString(body.length()));
    } else {
      header(head, "Transfer-Encoding", "chunked");
    }
    head.append("\r\n");
    return latin1(head);
  }

  private static void header(StringBuilder head, String name, String value) {
    // a value cannot end the header early: CR and LF never reach the job
    head.append(name).append(": ");
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      head.append(c == '\r' || c == '\n' ? ' ' : c);
    }
    head.append("\r\n");
  }

  /** ISO-8859-1 where it fits, UTF-8 for any other character. */
  static byte[] latin1(CharSequence text) {
    byte[] out = new byte[text.length()];
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c > 0xFF) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
      }
      out[i] = (byte) c;
    }
    return out;
  }

  /** Passes the job's answer back: status, end-to-end headers and the body. */
  private void relay(
      Request request, Response response, Callback callback, Upstream upstream, Call call)
      throws IOException {
    Upstream.Head answer = upstream.head();
    response.setStatus(answer.status());
    Set<String> connectionTokens = answer.connectionTokens();
    List<HttpHead.Field> fields = new ArrayList<>(answer.fields().size());
    for (String[] field : answer.fields()) {
      String name = field[0].toLowerCase(Locale.ROOT);
      if (NOT_RETURNED.contains(name) || connectionTokens.contains(name)) {
        continue;
      }
      if (field[0].equalsIgnoreCase(GatewayHandler.TRACING_HEADER)) {
        continue; // PUB already answers with the call's tracing id
      }
      fields.add(new HttpHead.Field(field[0], field[1]));
    }
    for (HttpHead.Field field :
        answerHeaders.apply(call.permit().jobName(), call.onJobHost(), fields)) {
      response.getHeaders().add(field.name(), field.value());
    }
    long length = answer.contentLength();
    if (!answer.hasBody()) {
      if (length >= 0) {
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
      }
      pool.release(upstream, answer.keepAlive());
      response.write(true, null, callback);
      return;
    }
    if (length >= 0 && length <= BUFFERED_BODY) {
      byte[] body = upstream.readFully((int) length);
      pool.release(upstream, answer.keepAlive());
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
      response.write(true, ByteBuffer.wrap(body), callback);
      return;
    }
    if (length >= 0) {
      response.getHeaders().put(HttpHeader.CONTENT_LENGTH, length);
    }
    streamAnswer(request, response, upstream, answer, call);
    pool.release(upstream, answer.keepAlive() && !answer.untilClose());
    response.write(true, null, callback);
  }

  private void streamAnswer(
      Request request, Response response, Upstream upstream, Upstream.Head answer, Call call)
      throws IOException {
    byte[] piece = new byte[PIECE];
    if (answer.chunked()) {
      for (int size = upstream.nextChunkSize(); size > 0; size = upstream.nextChunkSize()) {
        int left = size;
        while (left > 0) {
          int n = upstream.readBody(piece, Math.min(left, piece.length));
          toClient(response, piece, n);
          left -= n;
        }
        upstream.endChunk();
      }
      upstream.skipTrailers();
      return;
    }
    long left = answer.untilClose() ? Long.MAX_VALUE : answer.contentLength();
    while (left > 0) {
      int n = upstream.readBodyOrEnd(piece, (int) Math.min(left, piece.length));
      if (n < 0) {
        if (answer.untilClose()) {
          return;
        }
        throw new EOFException("the job closed the connection in the middle of its answer");
      }
      toClient(response, piece, n);
      left -= n;
    }
  }

  /** Writes to the client and waits; a client that went away is a {@link ClientGone}. */
  private static void toClient(Response response, byte[] bytes, int length) throws IOException {
    try (Blocker.Callback written = Blocker.callback()) {
      response.write(false, ByteBuffer.wrap(bytes, 0, length), written);
      written.block();
    } catch (IOException e) {
      throw new ClientGone(e);
    }
  }

  /** The caller stopped listening while the answer was being passed back. */
  static final class ClientGone extends IOException {
    private static final long serialVersionUID = 1L;

    ClientGone(IOException cause) {
      super("the caller went away: " + cause.getMessage(), cause);
    }
  }

  private void fail(
      Request request, Response response, Callback callback, Call call, Throwable failure) {
    metrics.proxyError(
        failure instanceof ClientGone ? PubMetrics.ProxyFailure.CANCELED : failure(failure));
    if (response.isCommitted()) {
      callback.failed(failure);
      return;
    }
    CallPermit permit = call.permit();
    if (rootCause(failure) instanceof ConnectException) {
      cache.invalidateJob(permit.jobName()); // the job moved or stopped: ask lifecycle next time
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", "Reverse proxy error: " + cause(failure));
    body.put("jobName", permit.jobName());
    body.put("jobVersion", permit.jobVersion());
    body.put("jobStatus", permit.jobStatus());
    body.put("requestId", call.tracingId());
    body.put("caller", permit.caller().orElse(null));
    // The job may have sent its headers (e.g. a Content-Length) before failing: drop them.
    response.reset();
    response.getHeaders().put(GatewayHandler.TRACING_HEADER, call.tracingId());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.setStatus(failure(failure) == PubMetrics.ProxyFailure.TIMEOUT ? 504 : 502);
    response.write(true, ByteBuffer.wrap(Json.writeBytes(body)), callback);
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root;
  }

  /** The kind of a failed call to a job. */
  static PubMetrics.ProxyFailure failure(Throwable failure) {
    Throwable root = rootCause(failure);
    if (root instanceof ConnectException) {
      return PubMetrics.ProxyFailure.CONNECTION_REFUSED;
    }
    if (root instanceof EOFException || failure instanceof EOFException) {
      return PubMetrics.ProxyFailure.CONNECTION_BROKEN;
    }
    if (failure instanceof TimeoutException
        || root instanceof TimeoutException
        || root instanceof SocketTimeoutException
        || (root instanceof InterruptedIOException && !(root instanceof ConnectException))) {
      return PubMetrics.ProxyFailure.TIMEOUT;
    }
    return PubMetrics.ProxyFailure.OTHER;
  }

  /** The failure classified as in §5.3. */
  static String cause(Throwable failure) {
    return switch (failure(failure)) {
      case CONNECTION_REFUSED -> "connection refused to a target job (job may be dead)";
      case CONNECTION_BROKEN -> "connection broken to a target job (job may have died)";
      case TIMEOUT -> "request to a job timed out";
      case CANCELED, OTHER -> {
        Throwable root = rootCause(failure);
        String message = root.getMessage();
        yield message == null ? root.getClass().getSimpleName() : message;
      }
    };
  }

  @Override
  public void close() {
    pool.close();
  }

  /**
   * The request body as it goes to the job: nothing, bytes read whole (then it can be sent again),
   * or a stream with a known length or chunked.
   */
  private static final class OutgoingBody {
    private final byte[] buffered;
    private final long length;
    private final InputStream rest;

    private OutgoingBody(byte[] buffered, long length, InputStream rest) {
      this.buffered = buffered;
      this.length = length;
      this.rest = rest;
    }

    static OutgoingBody read(Request request) throws IOException {
      long declared = request.getLength();
      boolean chunked = request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING);
      if (declared == 0 || (declared < 0 && !chunked)) {
        return new OutgoingBody(new byte[0], 0, null);
      }
      InputStream in = Content.Source.asInputStream(request);
      if (declared > 0 && declared <= BUFFERED_BODY) {
        byte[] all = in.readNBytes((int) declared);
        if (all.length < declared) {
          throw new ClientGone(new EOFException("the request body ended early"));
        }
        return new OutgoingBody(all, declared, null);
      }
      if (declared > 0) {
        return new OutgoingBody(null, declared, in);
      }
      // chunked: a small body is sent with its length, a large one streams on
      byte[] first = in.readNBytes(BUFFERED_BODY + 1);
      if (first.length <= BUFFERED_BODY) {
        return new OutgoingBody(first, first.length, null);
      }
      return new OutgoingBody(
          null, -1, new SequenceInputStream(new ByteArrayInputStream(first), in));
    }

    byte[] buffered() {
      return buffered;
    }

    long length() {
      return length;
    }

    boolean replayable() {
      return buffered != null;
    }

    void stream(Upstream upstream) throws IOException {
      byte[] piece = new byte[PIECE];
      long left = length;
      while (length < 0 || left > 0) {
        int n = rest.read(piece, 0, length < 0 ? piece.length : (int) Math.min(left, piece.length));
        if (n < 0) {
          break;
        }
        if (length < 0) {
          upstream.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
          upstream.write(piece, 0, n);
          upstream.write(CRLF);
        } else {
          upstream.write(piece, 0, n);
          left -= n;
        }
      }
      if (length > 0 && left > 0) {
        throw new ClientGone(new EOFException("the request body ended early"));
      }
      if (length < 0) {
        upstream.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
    }
  }
}
