package dev.racetrack.pub;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.function.Consumer;

/**
 * A request PUB answers itself from its whole body (the token form, async calls): the body is read
 * up to {@code limit} bytes (more gets 413), then {@code whole} runs with it.
 */
final class BodyExchange implements Exchange {
  private final Front front;
  private final HttpRequest request;
  private final long limit;
  private final Consumer<byte[]> whole;
  private CompositeByteBuf body;
  private boolean refused;

  BodyExchange(Front front, HttpRequest request, long limit, Consumer<byte[]> whole) {
    this.front = front;
    this.request = request;
    this.limit = limit;
    this.whole = whole;
  }

  @Override
  public void start() {
    if (HttpUtil.getContentLength(request, 0L) > limit) {
      refuse();
      return;
    }
    body = front.context().alloc().compositeBuffer();
    front.more();
  }

  private void refuse() {
    refused = true;
    if (body != null) {
      body.release();
      body = null;
    }
    front.respond(tooLarge());
  }

  private FullHttpResponse tooLarge() {
    return Answers.error(
        413,
        "the request body is larger than PUB accepts (" + limit + " bytes)",
        front.tracingId());
  }

  @Override
  public void content(HttpContent content) {
    if (refused) {
      content.release();
      return;
    }
    ByteBuf piece = content.content();
    if (body.readableBytes() + (long) piece.readableBytes() > limit) {
      content.release();
      refuse();
      return;
    }
    body.addComponent(true, piece.retain());
    content.release();
    if (content instanceof LastHttpContent) {
      byte[] bytes = ByteBufUtil.getBytes(body);
      body.release();
      body = null;
      whole.accept(bytes);
    } else {
      front.more();
    }
  }

  @Override
  public void clientGone() {
    if (body != null) {
      body.release();
      body = null;
    }
  }
}
