package dev.racetrack.pub;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The head of an HTTP/1.x message (request or answer) parsed from bytes, kept simple on purpose:
 * the event-loop front only needs to recognise ordinary requests and to frame bodies; anything
 * unusual is left to Jetty, which parses strictly.
 */
record HttpHead(String first, String second, String third, List<Field> fields, int length) {
  /** Hop-by-hop header fields (RFC 9110 7.6.1): never passed on by a proxy. */
  static final Set<String> HOP_BY_HOP =
      Set.of(
          "connection",
          "keep-alive",
          "proxy-connection",
          "te",
          "trailer",
          "transfer-encoding",
          "upgrade");

  /** The hop-by-hop fields and {@code more} (lower case). */
  static Set<String> hopByHopAnd(String... more) {
    Set<String> all = new HashSet<>(HOP_BY_HOP);
    all.addAll(List.of(more));
    return Set.copyOf(all);
  }

  /** A header field. */
  record Field(String name, String value) {
    boolean is(String lowerCaseName) {
      return name.length() == lowerCaseName.length() && name.equalsIgnoreCase(lowerCaseName);
    }
  }

  /** The index just after the blank line ending a head in {@code b[from, to)}, or -1. */
  static int end(byte[] b, int from, int to) {
    for (int i = Math.max(from, 0); i + 3 < to; i++) {
      if (b[i + 3] == '\n' && b[i + 2] == '\r' && b[i + 1] == '\n' && b[i] == '\r') {
        return i + 4;
      }
    }
    return -1;
  }

  /**
   * Parses a head ending at {@code end} (from {@link #end}); {@code null} when a line is not of the
   * form {@code A SP B SP C} or {@code name: value}.
   */
  static HttpHead parse(byte[] b, int from, int end) {
    int lineEnd = indexOfCrlf(b, from, end);
    String start = new String(b, from, lineEnd - from, StandardCharsets.ISO_8859_1);
    int sp1 = start.indexOf(' ');
    int sp2 = sp1 < 0 ? -1 : start.indexOf(' ', sp1 + 1);
    if (sp1 <= 0 || sp2 <= sp1 + 1) {
      return null;
    }
    List<Field> fields = new ArrayList<>(16);
    int line = lineEnd + 2;
    while (line < end - 2) {
      int next = indexOfCrlf(b, line, end);
      int colon = -1;
      for (int i = line; i < next; i++) {
        byte c = b[i];
        if (c == ':') {
          colon = i;
          break;
        }
        if (c == ' ' || c == '\t' || c < 0x21 || c == 0x7F) {
          return null; // obsolete line folding or whitespace before the colon: let Jetty judge
        }
      }
      if (colon <= line) {
        return null;
      }
      int valueStart = colon + 1;
      int valueEnd = next;
      while (valueStart < valueEnd && (b[valueStart] == ' ' || b[valueStart] == '\t')) {
        valueStart++;
      }
      while (valueEnd > valueStart && (b[valueEnd - 1] == ' ' || b[valueEnd - 1] == '\t')) {
        valueEnd--;
      }
      fields.add(
          new Field(
              new String(b, line, colon - line, StandardCharsets.ISO_8859_1),
              new String(b, valueStart, valueEnd - valueStart, StandardCharsets.ISO_8859_1)));
      line = next + 2;
    }
    return new HttpHead(
        start.substring(0, sp1),
        start.substring(sp1 + 1, sp2),
        start.substring(sp2 + 1),
        fields,
        end - from);
  }

  private static int indexOfCrlf(byte[] b, int from, int to) {
    for (int i = from; i + 1 < to; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return to - 2;
  }

  /** The value of the only field named so, "" for several, or null for none. */
  String single(String lowerCaseName) {
    String found = null;
    for (Field field : fields) {
      if (field.is(lowerCaseName)) {
        if (found != null) {
          return "";
        }
        found = field.value();
      }
    }
    return found;
  }

  boolean has(String lowerCaseName) {
    for (Field field : fields) {
      if (field.is(lowerCaseName)) {
        return true;
      }
    }
    return false;
  }

  /** Whether a comma-separated field (e.g. Connection) has the token. */
  boolean hasToken(String lowerCaseName, String token) {
    for (Field field : fields) {
      if (field.is(lowerCaseName)) {
        for (String part : field.value().split(",")) {
          if (part.strip().equalsIgnoreCase(token)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The status of an answer head ({@code HTTP/1.1 200 OK}), or -1. */
  int status() {
    if (second.length() != 3) {
      return -1;
    }
    int status = 0;
    for (int i = 0; i < 3; i++) {
      char c = second.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      status = status * 10 + (c - '0');
    }
    return status;
  }

  /**
   * How the body after this head is delimited: Transfer-Encoding (chunked last), else a valid
   * Content-Length, else {@code null} when the head's framing is invalid or unsupported.
   */
  Framing requestFraming() {
    String transfer = single("transfer-encoding");
    if (transfer != null) {
      return transfer.toLowerCase(Locale.ROOT).strip().equals("chunked") && !has("content-length")
          ? Framing.chunked()
          : null;
    }
    String length = single("content-length");
    if (length == null) {
      return Framing.length(0);
    }
    long parsed = parseLength(length);
    return parsed < 0 ? null : Framing.length(parsed);
  }

  /** The framing of an answer's body, given the request method (RFC 9112 6.3). */
  Framing answerFraming(boolean headRequest) {
    int status = status();
    if (headRequest || status < 200 || status == 204 || status == 304) {
      return Framing.length(0);
    }
    String transfer = single("transfer-encoding");
    if (transfer != null) {
      return transfer.toLowerCase(Locale.ROOT).strip().endsWith("chunked")
          ? Framing.chunked()
          : Framing.untilClose();
    }
    String length = single("content-length");
    if (length == null) {
      return Framing.untilClose();
    }
    long parsed = parseLength(length);
    return parsed < 0 ? null : Framing.length(parsed);
  }

  static long parseLength(String value) {
    if (value.isEmpty() || value.length() > 18) {
      return -1;
    }
    long n = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
