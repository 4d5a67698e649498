package dev.racetrack.pub;

import dev.racetrack.pub.exchange.PubAnswer;
import dev.racetrack.pub.exchange.PubRequest;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The async side of a call whose caller sent {@code Prefer: respond-async}: the client's head and
 * body (bounded by PUB's body limit) are kept so that, when the job outlives the call timeout, an
 * async task takes the call over (reference §14) and the caller gets its 202 instead of a 504; the
 * job's answer, still on its way, is then collected whole for the task.
 */
final class LateCall {
  private final JobCalls calls;
  private final Front front;

  /** The client's head as it came (the proxied head is rewritten in place for the job). */
  private final HttpRequest original;

  private CompositeByteBuf kept;
  private Adoption adoption;

  LateCall(JobCalls calls, Front front, HttpRequest request) {
    this.calls = calls;
    this.front = front;
    this.original =
        new DefaultHttpRequest(
            request.protocolVersion(), request.method(), request.uri(), request.headers().copy());
    this.kept = front.context().alloc().compositeBuffer();
  }

  /** Keeps a piece of the request body; past the body limit the call can no longer be adopted. */
  void keep(HttpContent content) {
    if (kept == null) {
      return;
    }
    if (kept.readableBytes() + (long) content.content().readableBytes() > calls.maxBody()) {
      release();
      return;
    }
    kept.addComponent(true, content.content().retainedDuplicate());
  }

  /** Whether an async task can still take the call over (its whole request is kept). */
  boolean adoptable() {
    return kept != null;
  }

  /** Whether an async task took the call over: the job's answer goes to it. */
  boolean adopted() {
    return adoption != null;
  }

  /** Lets the kept request go (the call ended, or the task has its copy). */
  void release() {
    if (kept != null) {
      kept.release();
      kept = null;
    }
  }

  /**
   * Hands the call over to an async task: the caller gets the task's 202, or, when the task store
   * refuses it, {@code refused} runs on the connection's event loop.
   */
  void adopt(CallPermit permit, ProxyCall.Target target, Runnable refused) {
    adoption = new Adoption();
    byte[] body = ByteBufUtil.getBytes(kept);
    release();
    PubRequest request = Gateway.pubRequest(original, front, target.routed(), body);
    CompletableFuture<PubAnswer> task;
    try {
      task =
          calls
              .async()
              .adopt(
                  permit.jobName(),
                  permit.jobVersion(),
                  target.jobPath(),
                  request,
                  adoption.answer);
    } catch (RuntimeException e) {
      task = CompletableFuture.failedFuture(e);
    }
    task.whenComplete(
        (accepted, failure) ->
            front
                .context()
                .executor()
                .execute(
                    () -> {
                      if (failure == null) {
                        front.respond(Answers.of(accepted));
                        return;
                      }
                      adoption = null;
                      refused.run();
                    }));
  }

  /** The job's answer head, for the task (as the job sent it). */
  void head(HttpResponse head) {
    adoption.head(head);
  }

  /** A piece of the job's answer for the task; true when the answer is complete. */
  boolean body(HttpContent content) {
    return adoption.body(content, calls.maxBody());
  }

  /** The job's answer cannot be had: the task learns why. */
  void failed(Throwable cause) {
    adoption.failed(cause);
    adoption = null;
  }

  /** A call an async task took over: the job's answer is collected whole for it. */
  private static final class Adoption {
    private final CompletableFuture<PubAnswer> answer = new CompletableFuture<>();
    private final List<Map.Entry<String, String>> headers = new ArrayList<>();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private int status = 502;

    void head(HttpResponse head) {
      status = head.status().code();
      head.headers().forEach(headers::add);
    }

    /** Adds a piece; true when the answer is complete. */
    boolean body(HttpContent content, long limit) {
      try {
        if (body.size() + (long) content.content().readableBytes() > limit) {
          answer.completeExceptionally(
              new IllegalStateException("the job's answer is larger than " + limit + " bytes"));
          return true;
        }
        content.content().readBytes(body, content.content().readableBytes());
      } catch (IOException e) {
        answer.completeExceptionally(e);
        return true;
      } finally {
        content.release();
      }
      if (content instanceof LastHttpContent) {
        answer.complete(new PubAnswer(status, headers, body.toByteArray()));
        return true;
      }
      return false;
    }

    void failed(Throwable cause) {
      answer.completeExceptionally(cause);
    }
  }
}
