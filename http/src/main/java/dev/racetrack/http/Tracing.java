package dev.racetrack.http;

import io.javalin.http.Context;
import java.util.UUID;
import java.util.regex.Pattern;

/** Request tracing: the tracing id header and the caller name header (§4.2). */
public final class Tracing {
  public static final String TRACING_HEADER = "X-Request-Tracing-Id";
  public static final String CALLER_HEADER = "X-Caller-Name";
  static final String ATTRIBUTE = "racetrack.tracingId";
  private static final Pattern SAFE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

  private Tracing() {}

  /** The tracing id of the current request (taken from the header or generated). */
  public static String id(Context ctx) {
    String id = ctx.attribute(ATTRIBUTE);
    return id == null ? "" : id;
  }

  /** Reads a client's tracing id if it is a safe token, otherwise makes a new one. */
  static String incomingOrNew(String header) {
    if (header != null && SAFE_ID.matcher(header).matches()) {
      return header;
    }
    return UUID.randomUUID().toString();
  }
}
