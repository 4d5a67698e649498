package dev.racetrack.pub.async;

import dev.racetrack.model.AsyncJobCall;
import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.pub.upstream.UpstreamListener;
import dev.racetrack.pub.upstream.UpstreamPool;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Calls a job for an async task, as PUB forwards a synchronous call: to {@code
 * /pub/job/NAME/VERSION/PATH} at the job's address with the task's stored headers and the job's
 * secret, over PUB's own pooled job connections (Netty's HTTP codec, strict), so a job reachable
 * only through a Unix socket ({@code unix:/path}, a container behind the Docker target's relay) is
 * called like one on a loopback port.
 */
public final class JobClient {
  /** Headers PUB sets itself, or that must not pass (lower case). */
  static final Set<String> NOT_SENT =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade",
          "host",
          "content-length",
          "expect",
          "http2-settings");

  private final UpstreamPool pool;
  private final EventLoopGroup loops;
  private final JobCallSecrets secrets;
  private final Duration timeout;

  /**
   * @param pool PUB's job connections
   * @param loops the event loops the calls run on (the pool's connections live on them)
   * @param timeout the longest one call may take ({@code ASYNC_CALL_TIMEOUT_SECONDS})
   */
  public JobClient(
      UpstreamPool pool, EventLoopGroup loops, JobCallSecrets secrets, Duration timeout) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.loops = Objects.requireNonNull(loops, "loops");
    this.secrets = Objects.requireNonNull(secrets, "secrets");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** What one call to the job gave. */
  sealed interface Outcome permits Answered, Broken, NotCalled {}

  /** The job answered (any status). */
  record Answered(int status, Map<String, String> headers, byte[] body) implements Outcome {}

  /** No answer: the connection failed or broke (the job died mid-call), or the call timed out. */
  record Broken(String error) implements Outcome {}

  /** The job was not called: a failure that a retry would not cure (e.g. the job is gone). */
  record NotCalled(String error) implements Outcome {}

  /**
   * Calls the job at {@code address} ({@code host:port} or {@code unix:/path}); never completes
   * exceptionally.
   */
  CompletableFuture<Outcome> call(AsyncJobCall task, String address) {
    FullHttpRequest request;
    try {
      request = request(task, address);
    } catch (IllegalArgumentException e) { // a method or header value HTTP does not allow
      return CompletableFuture.completedFuture(
          new Broken("cannot call the job: " + e.getMessage()));
    }
    CompletableFuture<Outcome> result = new CompletableFuture<>();
    EventLoop loop = loops.next();
    loop.execute(() -> new Exchange(loop, address, request, result).start());
    return result;
  }

  private FullHttpRequest request(AsyncJobCall task, String address) {
    ByteBuf body = Unpooled.wrappedBuffer(task.requestBody());
    FullHttpRequest request =
        new DefaultFullHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.valueOf(task.requestMethod()), target(task), body);
    HttpHeaders headers = request.headers();
    task.requestHeaders()
        .forEach(
            (name, value) -> {
              if (!NOT_SENT.contains(name.toLowerCase(Locale.ROOT))) {
                headers.add(name, value);
              }
            });
    headers.set(
        HttpHeaderNames.HOST, address.startsWith(UpstreamPool.UNIX_PREFIX) ? "localhost" : address);
    headers.set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    headers.set(JobCallSecrets.HEADER, secrets.secret(task.jobName(), task.jobVersion()));
    return request;
  }

  /** One call on one event loop: connect (or reuse), send, collect the answer, give back. */
  private final class Exchange implements UpstreamListener {
    private final EventLoop loop;
    private final String address;
    private final FullHttpRequest request;
    private final CompletableFuture<Outcome> result;
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private Optional<Channel> channel = Optional.empty();
    private Optional<HttpResponse> head = Optional.empty();
    private ScheduledFuture<?> timer;

    Exchange(
        EventLoop loop,
        String address,
        FullHttpRequest request,
        CompletableFuture<Outcome> result) {
      this.loop = loop;
      this.address = address;
      this.request = request;
      this.result = result;
    }

    void start() {
      timer =
          loop.schedule(
              () -> broken("HttpTimeoutException: no answer within " + timeout),
              timeout.toNanos(),
              TimeUnit.NANOSECONDS);
      Future<Channel> acquired = pool.acquire(loop, address, this);
      acquired.addListener(
          f -> {
            if (!f.isSuccess()) {
              request.release();
              broken(describe(f.cause()));
              return;
            }
            Channel connection = acquired.getNow();
            if (result.isDone()) { // timed out while connecting
              request.release();
              pool.discard(connection);
              return;
            }
            channel = Optional.of(connection);
            connection
                .writeAndFlush(request)
                .addListener(
                    w -> {
                      if (!w.isSuccess()) {
                        broken(describe(w.cause()));
                      }
                    });
          });
    }

    @Override
    public void answer(HttpObject piece) {
      try {
        if (result.isDone()) {
          return;
        }
        if (piece instanceof HttpResponse response) {
          if (response.status().code() / 100 == 1) {
            return; // an interim answer (100 Continue): the real one follows
          }
          head = Optional.of(response);
        }
        if (piece instanceof HttpContent content) {
          ByteBuf bytes = content.content();
          bytes.readBytes(body, bytes.readableBytes());
        }
        if (piece instanceof LastHttpContent && head.isPresent()) {
          HttpResponse response = head.get();
          finish(
              new Answered(
                  response.status().code(), headers(response.headers()), body.toByteArray()));
          channel.ifPresent(c -> pool.giveBack(c, HttpUtil.isKeepAlive(response)));
        }
      } catch (java.io.IOException e) {
        broken(describe(e));
      } finally {
        ReferenceCountUtil.release(piece);
      }
    }

    @Override
    public void writabilityChanged(boolean writable) {
      // the whole request is one write; nothing to pause
    }

    @Override
    public void failed(Throwable cause) {
      broken(describe(cause));
    }

    private void broken(String error) {
      if (finish(new Broken("job call failed: " + error))) {
        channel.ifPresent(pool::discard);
      }
    }

    private boolean finish(Outcome outcome) {
      if (result.isDone()) {
        return false;
      }
      timer.cancel(false);
      result.complete(outcome);
      return true;
    }
  }

  /** The path and query the job is called at (the query is the one the task was started with). */
  static String target(AsyncJobCall task) {
    String url = task.requestUrl();
    int query = url.indexOf('?');
    String path = task.jobPath().startsWith("/") ? task.jobPath() : "/" + task.jobPath();
    return "/pub/job/"
        + task.jobName()
        + "/"
        + task.jobVersion()
        + path
        + (query < 0 ? "" : url.substring(query));
  }

  /** The answer's end-to-end headers, multiple values joined by a comma. */
  private static Map<String, String> headers(HttpHeaders headers) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String name : headers.names()) {
      String lower = name.toLowerCase(Locale.ROOT);
      if (!NOT_SENT.contains(lower)) {
        out.put(name, String.join(lower.equals("set-cookie") ? "\n" : ", ", headers.getAll(name)));
      }
    }
    return out;
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  static String text(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8);
    return text.length() > 500 ? text.substring(0, 500) + "..." : text;
  }
}
