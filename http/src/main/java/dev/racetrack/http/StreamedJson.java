package dev.racetrack.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.racetrack.model.Json;
import io.javalin.http.Context;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;

/**
 * Writes a JSON answer as it is produced (a Jackson generator over the response's output stream),
 * so a large listing is never held in memory whole. Validate the request before streaming: once the
 * first bytes are out, a failure can only cut the answer short.
 */
public final class StreamedJson {
  private StreamedJson() {}

  /** What writes the answer's JSON. */
  @FunctionalInterface
  public interface Body {
    void write(JsonGenerator json) throws IOException;
  }

  public static void write(Context ctx, Body body) {
    ctx.status(200);
    ctx.contentType("application/json");
    try (OutputStream out = new BufferedOutputStream(ctx.outputStream(), 64 * 1024);
        JsonGenerator json = Json.mapper().getFactory().createGenerator(out)) {
      body.write(json);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the answer: " + e.getMessage(), e);
    }
  }
}
