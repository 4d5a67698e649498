package dev.racetrack.pub;

import java.io.IOException;

/**
 * Finds where an HTTP/1.1 body ends as its bytes pass through, without changing them: a length,
 * chunked coding (chunk sizes, data, trailers), or the end of the connection.
 */
final class Framing {
  private static final int MAX_LINE = 4096;

  private enum State {
    SIZE,
    DATA,
    DATA_CR,
    DATA_LF,
    TRAILER,
    DONE
  }

  private final boolean chunked;
  private final boolean untilClose;
  private long remaining;
  private State state;
  private long chunkSize;
  private boolean sizeDigits;
  private boolean inExtension;
  private int lineLength;
  private boolean sawCr;

  private Framing(boolean chunked, boolean untilClose, long length) {
    this.chunked = chunked;
    this.untilClose = untilClose;
    this.remaining = length;
    this.state = chunked ? State.SIZE : (length == 0 && !untilClose ? State.DONE : State.DATA);
  }

  static Framing length(long length) {
    return new Framing(false, false, length);
  }

  static Framing chunked() {
    return new Framing(true, false, 0);
  }

  static Framing untilClose() {
    return new Framing(false, true, 0);
  }

  boolean done() {
    return state == State.DONE;
  }

  boolean isChunked() {
    return chunked;
  }

  boolean isUntilClose() {
    return untilClose;
  }

  /** Bytes of a length-delimited body still to come. */
  long remaining() {
    return remaining;
  }

  /**
   * Consumes body bytes from {@code b[from, to)}; returns how many belong to this body (the rest is
   * the next message).
   */
  int consume(byte[] b, int from, int to) throws IOException {
    if (state == State.DONE) {
      return 0;
    }
    if (untilClose) {
      return to - from;
    }
    if (!chunked) {
      int n = (int) Math.min(remaining, to - from);
      remaining -= n;
      if (remaining == 0) {
        state = State.DONE;
      }
      return n;
    }
    int i = from;
    while (i < to && state != State.DONE) {
      switch (state) {
        case SIZE -> i = size(b, i, to);
        case DATA -> {
          int n = (int) Math.min(chunkSize, to - i);
          chunkSize -= n;
          i += n;
          if (chunkSize == 0) {
            state = State.DATA_CR;
          }
        }
        case DATA_CR -> {
          expect(b[i++], '\r');
          state = State.DATA_LF;
        }
        case DATA_LF -> {
          expect(b[i++], '\n');
          state = State.SIZE;
        }
        case TRAILER -> i = trailer(b, i, to);
        default -> throw new IllegalStateException(state.name());
      }
    }
    return i - from;
  }

  private int size(byte[] b, int i, int to) throws IOException {
    while (i < to) {
      byte c = b[i++];
      if (++lineLength > MAX_LINE) {
        throw new IOException("chunk size line too long");
      }
      if (sawCr) {
        expect(c, '\n');
        if (!sizeDigits) {
          throw new IOException("missing chunk size");
        }
        sawCr = false;
        sizeDigits = false;
        inExtension = false;
        lineLength = 0;
        if (chunkSize == 0) {
          state = State.TRAILER;
        } else {
          state = State.DATA;
        }
        return i;
      }
      if (c == '\r') {
        sawCr = true;
      } else if (inExtension) {
        continue;
      } else if (c == ';') {
        inExtension = true;
      } else if (c == ' ' || c == '\t') {
        inExtension = sizeDigits; // whitespace ends the size
      } else {
        int digit = Character.digit(c, 16);
        if (digit < 0 || chunkSize > (Long.MAX_VALUE >> 4)) {
          throw new IOException("invalid chunk size");
        }
        chunkSize = chunkSize * 16 + digit;
        sizeDigits = true;
      }
    }
    return i;
  }

  private int trailer(byte[] b, int i, int to) throws IOException {
    while (i < to) {
      byte c = b[i++];
      if (sawCr) {
        expect(c, '\n');
        sawCr = false;
        if (lineLength == 0) {
          state = State.DONE;
          return i;
        }
        lineLength = 0;
      } else if (c == '\r') {
        sawCr = true;
      } else if (++lineLength > MAX_LINE) {
        throw new IOException("trailer line too long");
      }
    }
    return i;
  }

  private static void expect(byte actual, char expected) throws IOException {
    if (actual != expected) {
      throw new IOException("invalid chunked body");
    }
  }
}
