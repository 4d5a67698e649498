package dev.racetrack.pub;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One HTTP/1.1 connection to a job, used by one call at a time: writes requests, parses the
 * answer's head and frames its body (length, chunked, or until the job closes the connection).
 */
final class Upstream implements AutoCloseable {
  /** Largest answer head accepted. */
  static final int MAX_HEAD = 64 * 1024;

  private final UpstreamPool.Address address;
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private byte[] buffer = new byte[16 * 1024];
  private int start;
  private int end;
  private boolean reused;
  private boolean answerStarted;
  private long idleSince;
  private Head head;

  Upstream(UpstreamPool.Address address, Socket socket) throws IOException {
    this.address = address;
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** The head of an answer. */
  record Head(
      int status,
      List<String[]> fields,
      long contentLength,
      boolean chunked,
      boolean hasBody,
      boolean keepAlive,
      Set<String> connectionTokens) {
    /** The body runs until the job closes the connection (no length, not chunked). */
    boolean untilClose() {
      return hasBody && !chunked && contentLength < 0;
    }
  }

  UpstreamPool.Address address() {
    return address;
  }

  boolean reused() {
    return reused;
  }

  /** Some of the answer has arrived (a retry would be unsafe). */
  boolean answerStarted() {
    return answerStarted;
  }

  Head head() {
    return head;
  }

  long idleSince() {
    return idleSince;
  }

  /** Back in the pool: the next call on it is a reuse. */
  void idle(long nanos) {
    reused = true;
    answerStarted = false;
    head = null;
    idleSince = nanos;
  }

  /** Bytes already received beyond the last answer (a well-behaved job sends none). */
  boolean hasLeftovers() {
    return end > start;
  }

  void write(byte[] bytes) throws IOException {
    out.write(bytes);
  }

  void write(byte[] bytes, int offset, int length) throws IOException {
    out.write(bytes, offset, length);
  }

  /** Reads the answer's head, skipping interim (1xx) answers. */
  Head readHead(boolean headRequest) throws IOException {
    while (true) {
      Head parsed = parseHead(headRequest);
      if (parsed.status() == 101) {
        throw new IOException("the job switched protocols, which PUB does not proxy");
      }
      if (parsed.status() >= 200) {
        head = parsed;
        return parsed;
      }
    }
  }

  private Head parseHead(boolean headRequest) throws IOException {
    int headEnd;
    while ((headEnd = indexOfHeadEnd()) < 0) {
      if (end - start >= MAX_HEAD) {
        throw new IOException("the job's answer head is larger than " + MAX_HEAD + " bytes");
      }
      if (fill() < 0) {
        throw new EOFException("the job closed the connection before answering");
      }
    }
    String text = new String(buffer, start, headEnd - start, StandardCharsets.ISO_8859_1);
    start = headEnd + 4;
    List<String> lines = lines(text);
    String[] statusLine = lines.getFirst().split(" ", 3);
    if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
      throw new IOException(
          "the job answered something that is not HTTP/1.1: " + abbreviate(lines.getFirst()));
    }
    int status;
    try {
      status = Integer.parseInt(statusLine[1]);
    } catch (NumberFormatException e) {
      throw new IOException("the job answered an invalid status: " + abbreviate(lines.getFirst()));
    }
    boolean http10 = statusLine[0].equals("HTTP/1.0");
    List<String[]> fields = new ArrayList<>();
    long contentLength = -1;
    boolean chunked = false;
    Set<String> connection = new HashSet<>();
    for (int i = 1; i < lines.size(); i++) {
      String line = lines.get(i);
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("the job answered an invalid header line: " + abbreviate(line));
      }
      String name = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      fields.add(new String[] {name, value});
      switch (name.toLowerCase(Locale.ROOT)) {
        case "content-length" -> {
          try {
            long parsed = Long.parseLong(value);
            if (parsed < 0 || (contentLength >= 0 && parsed != contentLength)) {
              throw new NumberFormatException();
            }
            contentLength = parsed;
          } catch (NumberFormatException e) {
            throw new IOException(
                "the job answered an invalid Content-Length: " + abbreviate(value));
          }
        }
        case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
        case "connection" -> {
          for (String token : value.split(",")) {
            connection.add(token.strip().toLowerCase(Locale.ROOT));
          }
        }
        default -> {}
      }
    }
    boolean hasBody = !headRequest && status >= 200 && status != 204 && status != 304;
    if (chunked) {
      contentLength = -1; // Transfer-Encoding wins over Content-Length (RFC 9112 6.3)
    }
    boolean keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
    if (hasBody && !chunked && contentLength < 0) {
      keepAlive = false;
    }
    answerStarted = true;
    return new Head(
        status,
        fields,
        hasBody ? contentLength : (headRequest ? contentLength : -1),
        chunked,
        hasBody,
        keepAlive,
        connection);
  }

  private static List<String> lines(String text) {
    List<String> lines = new ArrayList<>(16);
    int from = 0;
    for (int crlf = text.indexOf("\r\n"); crlf >= 0; crlf = text.indexOf("\r\n", from)) {
      lines.add(text.substring(from, crlf));
      from = crlf + 2;
    }
    lines.add(text.substring(from));
    return lines;
  }

  private static String abbreviate(String text) {
    return text.length() <= 100 ? text : text.substring(0, 100) + "...";
  }

  private int indexOfHeadEnd() {
    for (int i = start; i + 3 < end; i++) {
      if (buffer[i] == '\r'
          && buffer[i + 1] == '\n'
          && buffer[i + 2] == '\r'
          && buffer[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  /** Reads more bytes into the buffer (growing it for a large head); -1 at end of stream. */
  private int fill() throws IOException {
    if (start > 0 && start == end) {
      start = 0;
      end = 0;
    }
    if (end == buffer.length) {
      if (start > 0) {
        System.arraycopy(buffer, start, buffer, 0, end - start);
        end -= start;
        start = 0;
      } else {
        byte[] larger = new byte[Math.min(buffer.length * 2, MAX_HEAD + 16)];
        System.arraycopy(buffer, 0, larger, 0, end);
        buffer = larger;
      }
    }
    int n = in.read(buffer, end, buffer.length - end);
    if (n > 0) {
      end += n;
    }
    return n;
  }

  /** Exactly {@code length} body bytes. */
  byte[] readFully(int length) throws IOException {
    byte[] body = new byte[length];
    int have = Math.min(length, end - start);
    System.arraycopy(buffer, start, body, 0, have);
    start += have;
    while (have < length) {
      int n = in.read(body, have, length - have);
      if (n < 0) {
        throw new EOFException("the job closed the connection in the middle of its answer");
      }
      have += n;
    }
    return body;
  }

  /** Up to {@code max} body bytes (at least one); fails at end of stream. */
  int readBody(byte[] into, int max) throws IOException {
    int n = readBodyOrEnd(into, max);
    if (n < 0) {
      throw new EOFException("the job closed the connection in the middle of its answer");
    }
    return n;
  }

  /** Up to {@code max} body bytes (at least one), or -1 at end of stream. */
  int readBodyOrEnd(byte[] into, int max) throws IOException {
    if (end > start) {
      int n = Math.min(max, end - start);
      System.arraycopy(buffer, start, into, 0, n);
      start += n;
      return n;
    }
    return in.read(into, 0, max);
  }

  /** The size of the next chunk (0 for the last one). */
  int nextChunkSize() throws IOException {
    String line = readLine();
    int semicolon = line.indexOf(';');
    String size = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
    try {
      long parsed = Long.parseLong(size, 16);
      if (parsed < 0 || parsed > Integer.MAX_VALUE) {
        throw new NumberFormatException();
      }
      return (int) parsed;
    } catch (NumberFormatException e) {
      throw new IOException("the job sent an invalid chunk size: " + abbreviate(line));
    }
  }

  /** The CRLF after a chunk's data. */
  void endChunk() throws IOException {
    if (!readLine().isEmpty()) {
      throw new IOException("the job sent a chunk longer than announced");
    }
  }

  /** Trailer fields after the last chunk, up to the empty line. */
  void skipTrailers() throws IOException {
    for (int lines = 0; !readLine().isEmpty(); lines++) {
      if (lines > 100) {
        throw new IOException("the job sent too many trailer fields");
      }
    }
  }

  private String readLine() throws IOException {
    while (true) {
      for (int i = start; i + 1 < end; i++) {
        if (buffer[i] == '\r' && buffer[i + 1] == '\n') {
          String line = new String(buffer, start, i - start, StandardCharsets.ISO_8859_1);
          start = i + 2;
          return line;
        }
      }
      if (end - start > 8 * 1024) {
        throw new IOException("the job sent a line longer than 8 KiB in a chunked answer");
      }
      if (fill() < 0) {
        throw new EOFException("the job closed the connection in the middle of its answer");
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
