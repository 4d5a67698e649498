package dev.racetrack.pub;

import dev.racetrack.model.Json;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client connection of the front, handling one request at a time: a job call with a cached permit
 * goes straight to the job ({@link FastPath}); any other request goes to the gateway with its bytes
 * unchanged (plus who the client is). Answers flow back as they arrive, framing untouched, with
 * back-pressure both ways. Pipelined requests wait their turn.
 */
final class FrontConnection implements FrontLoop.Handler {
  private static final Logger LOG = LoggerFactory.getLogger(FrontConnection.class);
  private static final int MAX_HEAD = 64 * 1024;
  private static final int MAX_BUFFER = MAX_HEAD + FastPath.MAX_BODY + 1024;

  /** Stop reading one side while this much waits to be written to the other. */
  private static final long HIGH_WATER = 256 * 1024;

  private static final long HEAD_TIMEOUT_NANOS = 30_000_000_000L;
  private static final long IDLE_TIMEOUT_NANOS = 120_000_000_000L;
  private static final long JOB_TIMEOUT_NANOS = 90_000_000_000L;
  private static final long GATEWAY_TIMEOUT_NANOS = 300_000_000_000L;

  /** Answer headers never passed back from a job: hop-by-hop ones. */
  private static final Set<String> NOT_RETURNED =
      HttpHead.HOP_BY_HOP.stream()
          .filter(name -> !name.equals("transfer-encoding")) // the framing passes through as is
          .collect(Collectors.toUnmodifiableSet());

  private final FrontLoop loop;
  private final SocketChannel channel;
  private final InetSocketAddress remote;
  private SelectionKey key;
  private byte[] in = new byte[16 * 1024];
  private int inStart;
  private int inEnd;
  private final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
  private long outBytes;
  private boolean clientEnded;
  private boolean closeAfterFlush;
  private boolean closed;
  private long lingerSince;
  private long lastActivity = System.nanoTime();
  private Exchange exchange;

  FrontConnection(FrontLoop loop, SocketChannel channel, InetSocketAddress remote) {
    this.loop = loop;
    this.channel = channel;
    this.remote = remote;
  }

  void register(Selector selector) throws IOException {
    key = channel.register(selector, SelectionKey.OP_READ, this);
  }

  // ---------------------------------------------------------------- client side

  @Override
  public void ready(SelectionKey selected) throws IOException {
    if (selected.isWritable()) {
      flush();
    }
    if (!closed && selected.isValid() && selected.isReadable()) {
      readClient();
    }
  }

  @Override
  public void failed(Exception e) {
    if (e instanceof RuntimeException) {
      LOG.warn("pub front: unexpected error, connection from {} closed", remote, e);
    } else {
      LOG.debug("pub front: connection from {} failed: {}", remote, e.toString());
    }
    close();
  }

  /**
   * Ends the connection gracefully after the last answer: no more output, and what the client still
   * sends is read and dropped for a moment, so closing does not reset the connection before the
   * client has read the answer.
   */
  private void linger() throws IOException {
    if (lingerSince == 0) {
      lingerSince = System.nanoTime();
      try {
        channel.shutdownOutput();
      } catch (IOException e) {
        close();
        return;
      }
    }
    if (!closed && key.isValid()) {
      key.interestOps(SelectionKey.OP_READ);
    }
  }

  private void readClient() throws IOException {
    if (lingerSince != 0) {
      int n = channel.read(ByteBuffer.wrap(in, 0, in.length));
      if (n < 0) {
        close();
      }
      return;
    }
    if (inStart == inEnd) {
      inStart = 0;
      inEnd = 0;
    }
    if (inEnd == in.length) {
      if (inStart > 0) {
        System.arraycopy(in, inStart, in, 0, inEnd - inStart);
        inEnd -= inStart;
        inStart = 0;
      } else if (in.length < MAX_BUFFER) {
        byte[] larger = new byte[Math.min(in.length * 2, MAX_BUFFER)];
        System.arraycopy(in, 0, larger, 0, inEnd);
        in = larger;
      }
    }
    if (inEnd == in.length) {
      updateInterest();
      return;
    }
    int n = channel.read(ByteBuffer.wrap(in, inEnd, in.length - inEnd));
    if (n < 0) {
      clientEnded = true;
      if (exchange == null) {
        close();
        return;
      }
      if (!exchange.requestComplete()) {
        abort(exchange, new EOFException("the caller went away"), true);
        return;
      }
    } else if (n > 0) {
      inEnd += n;
      lastActivity = System.nanoTime();
    }
    advance();
  }

  /** Moves on with what the client has sent: starts a request, or streams its body. */
  private void advance() throws IOException {
    while (!closed && !closeAfterFlush) {
      if (exchange == null) {
        if (inStart == inEnd || !startRequest()) {
          break;
        }
      } else {
        if (exchange.requestBody != null && !exchange.requestBody.done()) {
          forwardRequestBody(exchange);
        }
        break;
      }
    }
    updateInterest();
  }

  /** Starts the exchange for the request at the head of the buffer; false when incomplete. */
  private boolean startRequest() throws IOException {
    int headEnd = HttpHead.end(in, inStart, inEnd);
    if (headEnd < 0) {
      if (inEnd - inStart >= MAX_HEAD) {
        reject(431, "Request header fields too large");
      }
      return false;
    }
    HttpHead head = HttpHead.parse(in, inStart, headEnd);
    Framing framing = head == null ? null : head.requestFraming();
    if (framing == null) {
      // a malformed head, or framing that could smuggle a second request: refused, as the
      // gateway (Jetty, RFC 9110 compliance) would
      reject(400, "Bad Request");
      return false;
    }
    if (!framing.isChunked() && framing.remaining() <= FastPath.MAX_BODY) {
      int length = (int) framing.remaining();
      if (headEnd + length > inEnd) {
        return false; // the body is still on its way
      }
      Optional<FastPath.Call> call =
          loop.fastPath.decide(head, length, remote.getAddress().getHostAddress());
      if (call.isPresent()) {
        byte[] request = new byte[call.get().head().length + length];
        System.arraycopy(call.get().head(), 0, request, 0, call.get().head().length);
        System.arraycopy(in, headEnd, request, call.get().head().length, length);
        inStart = headEnd + length;
        startJobCall(call.get(), request, head);
        return true;
      }
    }
    startGatewayCall(head, headEnd, framing);
    return true;
  }

  private void startJobCall(FastPath.Call call, byte[] request, HttpHead head) throws IOException {
    Exchange ex =
        new Exchange(true, loop.metrics.job(call.permit().jobName(), call.permit().jobVersion()));
    ex.call = call;
    ex.request = request;
    ex.headRequest = call.headRequest();
    ex.clientWantsClose = head.hasToken("connection", "close");
    loop.metrics.retrievedFromCache();
    loop.metrics.authSucceeded();
    loop.metrics.frontCall();
    ex.meters.started();
    exchange = ex;
    try {
      ex.address = loop.address(call.permit().internalName());
    } catch (IllegalArgumentException e) {
      fail(ex, new ConnectException(e.getMessage()));
      return;
    }
    connect(ex);
  }

  private void startGatewayCall(HttpHead head, int headEnd, Framing framing) throws IOException {
    Exchange ex = new Exchange(false, null);
    ex.address = loop.gateway;
    ex.headRequest = "HEAD".equals(head.first());
    ex.clientWantsClose =
        head.hasToken("connection", "close")
            || ("HTTP/1.0".equals(head.third()) && !head.hasToken("connection", "keep-alive"));
    ex.request = gatewayHead(head);
    inStart = headEnd;
    ex.requestBody = framing;
    exchange = ex;
    connect(ex);
    forwardRequestBody(ex);
  }

  /** The request head for the gateway: as sent, plus who the client is. */
  private byte[] gatewayHead(HttpHead head) {
    StringBuilder text = new StringBuilder(head.length() + 64);
    text.append(head.first()).append(' ').append(head.second()).append(' ').append(head.third());
    text.append("\r\n");
    for (HttpHead.Field field : head.fields()) {
      if (!field.is(FrontServer.CLIENT_HEADER)) {
        text.append(field.name()).append(": ").append(field.value()).append("\r\n");
      }
    }
    text.append(FrontServer.CLIENT_HEADER)
        .append(": ")
        .append(remote.getAddress().getHostAddress())
        .append(' ')
        .append(remote.getPort())
        .append("\r\n\r\n");
    return JobProxy.latin1(text);
  }

  private void connect(Exchange ex) throws IOException {
    try {
      ex.backend = loop.borrow(ex.address);
    } catch (IOException e) {
      fail(ex, e);
      return;
    }
    ex.backend.attach(ex);
    ex.backend.send(ByteBuffer.wrap(ex.request));
  }

  /** Passes request body bytes on to the backend, as far as the body goes. */
  private void forwardRequestBody(Exchange ex) throws IOException {
    if (ex.backend == null || ex.requestBody == null || ex.requestBody.done()) {
      return;
    }
    if (ex.backend.pending() > HIGH_WATER || inStart == inEnd) {
      return;
    }
    int n = ex.requestBody.consume(in, inStart, inEnd);
    if (n > 0) {
      byte[] piece = Arrays.copyOfRange(in, inStart, inStart + n);
      inStart += n;
      ex.streamedBody = true;
      ex.lastActivity = System.nanoTime();
      ex.backend.send(ByteBuffer.wrap(piece));
    }
  }

  // ---------------------------------------------------------------- answers

  /** One request in flight and its answer. */
  private final class Exchange implements Backend.Owner {
    final boolean job;
    final PubMetrics.JobMeters meters;
    final long started = System.nanoTime();
    long lastActivity = started;
    FastPath.Call call;
    UpstreamPool.Address address;
    Backend backend;
    byte[] request;
    Framing requestBody;
    boolean headRequest;
    boolean clientWantsClose;
    boolean retried;
    boolean streamedBody;
    HttpHead answer;
    Framing answerBody;
    boolean answerStarted;
    boolean keepBackend;

    Exchange(boolean job, PubMetrics.JobMeters meters) {
      this.job = job;
      this.meters = meters;
    }

    boolean requestComplete() {
      return requestBody == null || requestBody.done();
    }

    @Override
    public void backendDrained(Backend b) throws IOException {
      if (exchange == this) {
        forwardRequestBody(this);
        updateInterest();
      }
    }

    @Override
    public void backendReadable(Backend b) throws IOException {
      lastActivity = System.nanoTime();
      answer(this, b);
    }

    @Override
    public void backendEnded(Backend b) throws IOException {
      ended(this, b);
    }

    @Override
    public void backendFailed(Backend b, Exception failure) {
      try {
        fail(this, failure);
      } catch (IOException e) {
        close();
      }
    }
  }

  private void answer(Exchange ex, Backend b) throws IOException {
    if (exchange != ex || closed) {
      b.close();
      return;
    }
    while (ex.answer == null) {
      int headEnd = HttpHead.end(b.buffer, b.start, b.end);
      if (headEnd < 0) {
        if (b.end - b.start >= Backend.MAX_HEAD) {
          fail(
              ex, new IOException("the answer head is larger than " + Backend.MAX_HEAD + " bytes"));
        }
        return;
      }
      HttpHead head = HttpHead.parse(b.buffer, b.start, headEnd);
      int status = head == null ? -1 : head.status();
      if (status < 100 || status == 101 || !head.first().startsWith("HTTP/1.")) {
        fail(ex, new IOException("the answer is not HTTP/1.1"));
        return;
      }
      if (status < 200) {
        if (!ex.job) {
          toClient(b.buffer, b.start, headEnd - b.start); // e.g. 100 Continue for the client
        }
        b.start = headEnd;
        continue;
      }
      Framing framing = head.answerFraming(ex.headRequest);
      if (framing == null) {
        fail(ex, new IOException("the answer has an invalid Content-Length"));
        return;
      }
      ex.answer = head;
      ex.answerBody = framing;
      boolean backendClose =
          head.hasToken("connection", "close")
              || ("HTTP/1.0".equals(head.first()) && !head.hasToken("connection", "keep-alive"));
      ex.keepBackend = !backendClose && !framing.isUntilClose();
      if (ex.job) {
        toClient(jobAnswerHead(ex, head, framing.isUntilClose()));
      } else {
        if (backendClose || framing.isUntilClose()) {
          ex.clientWantsClose = true;
        }
        toClient(b.buffer, b.start, headEnd - b.start);
      }
      ex.answerStarted = true;
      b.start = headEnd;
    }
    if (exchange != ex) {
      return;
    }
    int n = ex.answerBody.consume(b.buffer, b.start, b.end);
    if (n > 0) {
      toClient(b.buffer, b.start, n);
      b.start += n;
    }
    if (exchange != ex) {
      return;
    }
    if (ex.answerBody.done()) {
      finish(ex);
    } else {
      pace(ex);
    }
  }

  /**
   * The job's answer head for the client: hop-by-hop fields out, the tracing id in, and PUB's
   * {@link JobAnswerHeaders} applied as the gateway does.
   */
  private byte[] jobAnswerHead(Exchange ex, HttpHead head, boolean untilClose) {
    StringBuilder text = new StringBuilder(head.length() + 128);
    text.append("HTTP/1.1 ").append(head.second()).append(' ').append(head.third()).append("\r\n");
    List<HttpHead.Field> fields = new ArrayList<>(head.fields().size());
    for (HttpHead.Field field : head.fields()) {
      String name = field.name().toLowerCase(Locale.ROOT);
      if (NOT_RETURNED.contains(name) || name.equals("x-request-tracing-id")) {
        continue;
      }
      fields.add(field);
    }
    for (HttpHead.Field field :
        loop.fastPath
            .answerHeaders()
            .apply(ex.call.permit().jobName(), ex.call.onJobHost(), fields)) {
      text.append(field.name()).append(": ").append(field.value()).append("\r\n");
    }
    text.append(GatewayHandler.TRACING_HEADER)
        .append(": ")
        .append(ex.call.tracingId())
        .append("\r\n");
    if (untilClose || ex.clientWantsClose) {
      text.append("Connection: close\r\n");
      ex.clientWantsClose = true;
    }
    text.append("\r\n");
    return JobProxy.latin1(text);
  }

  /** Reads answers only while the client keeps up. */
  private void pace(Exchange ex) {
    if (ex.backend != null) {
      ex.backend.wantRead(outBytes < HIGH_WATER);
    }
  }

  private void ended(Exchange ex, Backend b) throws IOException {
    if (exchange != ex) {
      b.close();
      return;
    }
    if (ex.answer != null && ex.answerBody.isUntilClose()) {
      ex.keepBackend = false;
      finish(ex);
      return;
    }
    EOFException eof =
        new EOFException(
            ex.answer == null
                ? "the connection closed before an answer"
                : "the connection closed in the middle of the answer");
    fail(ex, eof);
  }

  private void finish(Exchange ex) throws IOException {
    if (exchange != ex) {
      return; // already given up (the client went away while the answer was written)
    }
    exchange = null;
    if (ex.job) {
      ex.meters.done(ex.answer.status(), System.nanoTime() - ex.started);
    }
    boolean reusable = ex.keepBackend && ex.requestComplete() && ex.backend.usable();
    loop.release(ex.backend, reusable);
    if (ex.clientWantsClose || clientEnded || !ex.requestComplete()) {
      closeAfterFlush = true;
      flush();
      return;
    }
    lastActivity = System.nanoTime();
    advance();
  }

  /** A failure before or during the answer. */
  private void fail(Exchange ex, Exception failure) throws IOException {
    if (exchange != ex || closed) {
      return;
    }
    if (ex.backend != null) {
      ex.backend.close();
    }
    if (!ex.answerStarted
        && ex.backend != null
        && ex.backend.reused()
        && !ex.backend.received()
        && !ex.retried
        && !ex.streamedBody
        && ex.requestComplete()) {
      // the connection was closed while it sat in the pool: send the request again
      ex.retried = true;
      ex.backend = null;
      connect(ex);
      return;
    }
    if (ex.answerStarted) {
      abort(ex, failure, false);
      return;
    }
    exchange = null;
    if (ex.job) {
      loop.metrics.proxyError(JobProxy.failure(failure));
      if (failure instanceof ConnectException) {
        loop.cache.invalidateJob(ex.call.permit().jobName());
      }
    }
    int status = JobProxy.failure(failure) == PubMetrics.ProxyFailure.TIMEOUT ? 504 : 502;
    Map<String, Object> body = new LinkedHashMap<>();
    String tracingId;
    if (ex.job) {
      CallPermit permit = ex.call.permit();
      tracingId = ex.call.tracingId();
      body.put("error", "Reverse proxy error: " + JobProxy.cause(failure));
      body.put("jobName", permit.jobName());
      body.put("jobVersion", permit.jobVersion());
      body.put("jobStatus", permit.jobStatus());
      body.put("requestId", tracingId);
      body.put("caller", permit.caller().orElse(null));
      ex.meters.done(status, System.nanoTime() - ex.started);
    } else {
      tracingId = GatewayHandler.newTracingId();
      body.put("error", "PUB is not available: " + JobProxy.cause(failure));
      body.put("requestId", tracingId);
    }
    byte[] json = Json.writeBytes(body);
    boolean close = ex.clientWantsClose || clientEnded || !ex.requestComplete();
    toClient(
        ("HTTP/1.1 "
                + status
                + (status == 504 ? " Gateway Timeout" : " Bad Gateway")
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + json.length
                + "\r\n"
                + GatewayHandler.TRACING_HEADER
                + ": "
                + tracingId
                + "\r\n"
                + (close ? "Connection: close\r\n" : "")
                + "\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    toClient(json);
    if (close) {
      closeAfterFlush = true;
      flush();
      return;
    }
    advance();
  }

  /** Gives up on an exchange whose answer already started (or the client left): closes. */
  private void abort(Exchange ex, Exception failure, boolean clientGone) {
    if (ex.job) {
      loop.metrics.proxyError(
          clientGone ? PubMetrics.ProxyFailure.CANCELED : JobProxy.failure(failure));
      ex.meters.done(
          ex.answer == null ? (clientGone ? 499 : 502) : ex.answer.status(),
          System.nanoTime() - ex.started);
    }
    exchange = null;
    if (ex.backend != null) {
      ex.backend.close();
    }
    close();
  }

  /** The client cannot be written to any more: whatever was under way stops. */
  private void clientGone(IOException e) {
    out.clear();
    outBytes = 0;
    if (exchange != null) {
      abort(exchange, e, true);
    } else {
      close();
    }
  }

  /** Answers a request this front refuses outright (e.g. a head that never ends), then closes. */
  private void reject(int status, String reason) throws IOException {
    byte[] body =
        Json.writeBytes(Map.of("error", reason, "requestId", GatewayHandler.newTracingId()));
    toClient(
        ("HTTP/1.1 "
                + status
                + " "
                + reason
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length
                + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    toClient(body);
    inStart = inEnd;
    closeAfterFlush = true;
    flush();
  }

  // ---------------------------------------------------------------- writing to the client

  private void toClient(byte[] bytes) throws IOException {
    out.add(ByteBuffer.wrap(bytes));
    outBytes += bytes.length;
    flush();
  }

  private void toClient(byte[] bytes, int from, int length) throws IOException {
    if (length > 0) {
      toClient(Arrays.copyOfRange(bytes, from, from + length));
    }
  }

  private void flush() throws IOException {
    if (closed) {
      return;
    }
    while (!out.isEmpty()) {
      ByteBuffer[] pending = out.toArray(new ByteBuffer[0]);
      long written;
      try {
        written = channel.write(pending);
      } catch (IOException e) {
        clientGone(e);
        return;
      }
      outBytes -= written;
      while (!out.isEmpty() && !out.peekFirst().hasRemaining()) {
        out.pollFirst();
      }
      if (!out.isEmpty()) {
        break;
      }
    }
    if (out.isEmpty() && closeAfterFlush) {
      linger();
      return;
    }
    if (exchange != null) {
      pace(exchange);
    }
    updateInterest();
  }

  private void updateInterest() {
    if (closed || !key.isValid() || lingerSince != 0) {
      return;
    }
    int ops = 0;
    if (!out.isEmpty()) {
      ops |= SelectionKey.OP_WRITE;
    }
    boolean readable =
        !clientEnded
            && !closeAfterFlush
            && (inEnd - inStart < MAX_BUFFER)
            && (exchange == null
                || exchange.backend == null
                || exchange.backend.pending() <= HIGH_WATER);
    if (readable) {
      ops |= SelectionKey.OP_READ;
    }
    if (key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  /** Called every second by the loop. */
  void checkTimeouts(long now) {
    if (lingerSince != 0) {
      if (now - lingerSince > 2_000_000_000L) {
        close();
      }
      return;
    }
    try {
      if (exchange != null) {
        long limit = exchange.job ? JOB_TIMEOUT_NANOS : GATEWAY_TIMEOUT_NANOS;
        if (now - exchange.lastActivity > limit) {
          fail(exchange, new TimeoutException("no answer in time"));
        }
        return;
      }
      long quiet = now - lastActivity;
      if (quiet > IDLE_TIMEOUT_NANOS || (inStart < inEnd && quiet > HEAD_TIMEOUT_NANOS)) {
        close();
      }
    } catch (IOException e) {
      close();
    }
  }

  void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (exchange != null && exchange.backend != null) {
      exchange.backend.close();
    }
    exchange = null;
    loop.forget(this);
    if (key != null) {
      key.cancel();
    }
    FrontLoop.close(channel);
  }
}
