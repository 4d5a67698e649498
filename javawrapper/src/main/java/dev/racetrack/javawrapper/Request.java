package dev.racetrack.javawrapper;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/**
 * An incoming request as the routes see it.
 *
 * @param method HTTP method
 * @param path decoded path relative to the job root, e.g. {@code /api/v1/perform}
 * @param base public prefix the request came through, e.g. {@code /pub/job/adder/latest}, or empty
 * @param context method, full path and headers, exposed to job code during perform
 * @param body the request body stream, read at most once
 * @param contentLength declared Content-Length, if any
 */
record Request(
    String method,
    String path,
    String base,
    RequestContext context,
    InputStream body,
    OptionalLong contentLength) {

  Request {
    requireNonNull(method, "method");
    requireNonNull(path, "path");
    requireNonNull(base, "base");
    requireNonNull(context, "context");
    requireNonNull(body, "body");
    requireNonNull(contentLength, "contentLength");
  }

  Request relativeTo(String newBase, String newPath) {
    return new Request(method, newPath, newBase, context, body, contentLength);
  }

  /** Reads the whole body; 413 when it is longer than {@code maxBytes}. */
  byte[] readBody(long maxBytes) throws IOException {
    if (contentLength.isPresent() && contentLength.getAsLong() > maxBytes) {
      throw tooLarge(maxBytes);
    }
    byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    if (bytes.length > maxBytes) {
      throw tooLarge(maxBytes);
    }
    return bytes;
  }

  private static HttpStatusException tooLarge(long maxBytes) {
    return new HttpStatusException(413, "request body is larger than " + maxBytes + " bytes");
  }
}
