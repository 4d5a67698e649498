package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;

/**
 * One open WebSocket connection of a job's endpoint. Sending is thread-safe; called from a job's
 * callback (a virtual thread) it returns once the message is written to the socket, so a fast
 * sender waits for a slow reader.
 */
public final class WebSocketSession {
  private final Channel channel;
  private final String path;
  private final RequestContext request;

  WebSocketSession(Channel channel, String path, RequestContext request) {
    this.channel = requireNonNull(channel, "channel");
    this.path = requireNonNull(path, "path");
    this.request = requireNonNull(request, "request");
  }

  /** An id of the session, unique in this job process. */
  public String id() {
    return channel.id().asShortText();
  }

  /** The endpoint's path relative to the job, e.g. {@code /ws/echo}. */
  public String path() {
    return path;
  }

  /** The upgrade request: its full path and headers (e.g. the caller name PUB adds). */
  public RequestContext request() {
    return request;
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return channel.isActive();
  }

  /**
   * Sends a text message.
   *
   * @throws WebSocketClosedException when the session is closed
   */
  public void sendText(String text) {
    send(new TextWebSocketFrame(requireNonNull(text, "text")));
  }

  /**
   * Sends a binary message.
   *
   * @throws WebSocketClosedException when the session is closed
   */
  public void sendBinary(byte[] data) {
    send(new BinaryWebSocketFrame(Unpooled.copiedBuffer(requireNonNull(data, "data"))));
  }

  /** Closes the session with a status code (1000 is a normal close) and a short reason. */
  public void close(int code, String reason) {
    if (channel.isActive()) {
      channel
          .writeAndFlush(new CloseWebSocketFrame(code, requireNonNull(reason, "reason")))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  private void send(WebSocketFrame frame) {
    if (!channel.isActive()) {
      frame.release();
      throw new WebSocketClosedException("websocket session " + id() + " is closed");
    }
    ChannelFuture written = channel.writeAndFlush(frame);
    if (channel.eventLoop().inEventLoop()) {
      return;
    }
    written.awaitUninterruptibly();
    if (!written.isSuccess()) {
      throw new WebSocketClosedException(
          "cannot send on websocket session " + id() + ": " + JobLog.describe(written.cause()));
    }
  }

  @Override
  public String toString() {
    return "WebSocketSession[" + id() + " " + path + "]";
  }
}
