package dev.racetrack.spi;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A health probe's GET to a job reachable only through a Unix socket (a container in its own
 * network namespace behind the platform's relay). {@code java.net.http} has no Unix socket
 * transport, so this sends one HTTP/1.0 request ({@code Connection: close}) and reads the answer to
 * its end: only the status code and a small body are used (the answer is capped at 1 MiB), for
 * {@code /live}, {@code /ready} and {@code /metrics} of the platform's own probes, never to relay a
 * caller's request.
 */
final class UnixSocketHttp {
  private static final Pattern STATUS = Pattern.compile("^HTTP/1\\.[01] ([0-9]{3})[ \\r]");
  private static final int MAX_ANSWER = 1 << 20;

  /** The status code and body of an answer. */
  record Answer(int statusCode, String body) {}

  private UnixSocketHttp() {}

  /** GETs {@code pathAndQuery} from the HTTP server on {@code socket} within {@code timeout}. */
  static Answer get(Path socket, String pathAndQuery, Duration timeout) throws IOException {
    SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    try (ExecutorService worker = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<Answer> answer = worker.submit(() -> exchange(channel, socket, pathAndQuery));
      try {
        return answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        throw new IOException("no answer from " + socket + " within " + timeout, e);
      } catch (ExecutionException e) {
        throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      } finally {
        channel.close(); // ends a blocked read on timeout
      }
    }
  }

  private static Answer exchange(SocketChannel channel, Path socket, String pathAndQuery)
      throws IOException {
    if (!pathAndQuery.startsWith("/") || pathAndQuery.chars().anyMatch(c -> c <= ' ')) {
      throw new IOException("not a request path: " + pathAndQuery);
    }
    channel.connect(UnixDomainSocketAddress.of(socket));
    String request =
        "GET " + pathAndQuery + " HTTP/1.0\r\nHost: localhost\r\nConnection: close\r\n\r\n";
    ByteBuffer out = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
    while (out.hasRemaining()) {
      channel.write(out);
    }
    ByteArrayOutputStream in = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(8192);
    while (channel.read(buffer) >= 0) {
      in.write(buffer.array(), 0, buffer.position());
      buffer.clear();
      if (in.size() > MAX_ANSWER) {
        throw new IOException("answer from " + socket + " is above " + MAX_ANSWER + " bytes");
      }
    }
    return parse(in.toString(StandardCharsets.ISO_8859_1), socket);
  }

  static Answer parse(String raw, Path socket) throws IOException {
    Matcher status = STATUS.matcher(raw);
    int headersEnd = raw.indexOf("\r\n\r\n");
    if (!status.find() || headersEnd < 0) {
      throw new IOException("not an HTTP answer from " + socket);
    }
    String body = raw.substring(headersEnd + 4);
    return new Answer(
        Integer.parseInt(status.group(1)),
        new String(body.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
  }
}
