package dev.racetrack.pub;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.util.ReferenceCountUtil;

/** What happens to one request on a client connection after its head was read. */
interface Exchange {
  /** Starts serving the request (the front has made this its current exchange). */
  void start();

  /** A piece of the request body (the last one ends it); the exchange owns it. */
  void content(HttpContent content);

  /** The client's connection can take more (or no more) of the answer. */
  default void clientWritabilityChanged(boolean writable) {}

  /** The client went away before the exchange ended. */
  default void clientGone() {}

  /** An exchange answered with a whole answer of PUB's own: the rest of the request is dropped. */
  static Exchange reply(Front front, FullHttpResponse answer) {
    return new Exchange() {
      @Override
      public void start() {
        front.respond(answer);
      }

      @Override
      public void content(HttpContent content) {
        ReferenceCountUtil.release(content);
      }
    };
  }
}
