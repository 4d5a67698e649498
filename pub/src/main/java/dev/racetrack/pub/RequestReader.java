package dev.racetrack.pub;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * How a client connection is read: one message at a time, when asked for. What the codec decoded
 * beyond the message asked for (pipelined requests, the rest of a body) is held until it is asked
 * for; past a few held messages the connection stops reading (auto-read off) until they are taken,
 * so an ordinary call never toggles reading and a fast sender is bounded.
 */
final class RequestReader {
  /** Messages held before the connection stops reading: a few socket reads' worth. */
  private static final int MAX_HELD = 8;

  private final ArrayDeque<Object> held = new ArrayDeque<>();
  private final Consumer<Object> handler;
  private ChannelHandlerContext ctx;
  private boolean reading = true;
  private boolean wanted;
  private boolean handing;

  /** {@code handler} gets each message asked for. */
  RequestReader(Consumer<Object> handler) {
    this.handler = handler;
  }

  void attach(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  /** A message decoded from the connection. */
  void read(Object msg) {
    held.add(msg);
    if (!wanted && reading && held.size() >= MAX_HELD) {
      reading = false; // hold the connection until the held messages are asked for
      ctx.channel().config().setAutoRead(false);
    }
    handOver();
  }

  /** Asks for the next message: a held one at once, else the next one read. */
  void want() {
    wanted = true;
    if (!held.isEmpty()) {
      handOver();
    } else if (!reading) {
      reading = true;
      ctx.channel().config().setAutoRead(true);
    }
  }

  /** Stops reading for good (the connection leaves HTTP) and drops what is held. */
  void stop() {
    reading = false;
    ctx.channel().config().setAutoRead(false);
  }

  /** Drops the held messages. */
  void releaseHeld() {
    held.forEach(ReferenceCountUtil::release);
    held.clear();
  }

  private void handOver() {
    if (handing) {
      return; // the loop below goes on
    }
    handing = true;
    try {
      while (wanted && !held.isEmpty()) {
        wanted = false;
        handler.accept(held.poll());
      }
    } finally {
      handing = false;
    }
  }
}
