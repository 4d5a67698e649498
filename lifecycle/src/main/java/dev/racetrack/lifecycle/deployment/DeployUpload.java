package dev.racetrack.lifecycle.deployment;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.racetrack.lifecycle.job.BuildContexts;
import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.Json;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.error.PayloadTooLargeException;
import dev.racetrack.model.error.ValidationException;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A deploy request read from its body as a stream (the original client's wire format: the build
 * context as base64 inside the JSON). The base64 field is decoded straight into a file; the other
 * fields are parsed as usual. So no copy of the whole context is ever held in memory, and a body
 * that is malformed or above a limit leaves no file behind.
 *
 * @param request the request's fields, without the build context
 * @param context the decoded .tar.gz, when the request carries one; its owner deletes it
 */
public record DeployUpload(DeployRequest request, Optional<Path> context) {
  static final String CONTEXT_FIELD = "build_context";

  public DeployUpload {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(context, "context");
  }

  /**
   * Reads a deploy body.
   *
   * @param bodyLimit most bytes of body read; beyond it a 413 naming the limit
   * @param contextLimit most bytes of decoded context ({@code MAX_BUILD_CONTEXT_MB})
   * @param contexts where the decoded context file is created
   */
  public static DeployUpload read(
      InputStream body, long bodyLimit, long contextLimit, BuildContexts contexts) {
    InputStream bounded = new BoundedInput(body, bodyLimit);
    Optional<Path> file = Optional.empty();
    try (JsonParser parser = Json.mapper().createParser(bounded)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new ValidationException("request body is empty; expected a JSON object");
      }
      if (first != JsonToken.START_OBJECT) {
        throw new ValidationException("request body must be a JSON object");
      }
      ObjectNode fields = Json.mapper().createObjectNode();
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (CONTEXT_FIELD.equals(name) && value == JsonToken.VALUE_STRING) {
          file = Optional.of(contexts.newUpload());
          decodeInto(parser, file.get(), contextLimit);
        } else if (CONTEXT_FIELD.equals(name) && value != JsonToken.VALUE_NULL) {
          throw new ValidationException(CONTEXT_FIELD + " must be a base64 string or null");
        } else if (!CONTEXT_FIELD.equals(name)) {
          fields.set(name, parser.readValueAsTree());
        }
      }
      DeployRequest request = Json.mapper().treeToValue(fields, DeployRequest.class);
      return new DeployUpload(request, file);
    } catch (JsonProcessingException e) {
      file.ifPresent(DeployUpload::deleteQuietly);
      throw new ValidationException("malformed JSON body: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      file.ifPresent(DeployUpload::deleteQuietly);
      throw new ValidationException("invalid request body: " + e.getMessage(), e);
    } catch (IOException e) {
      file.ifPresent(DeployUpload::deleteQuietly);
      throw new UncheckedIOException("reading the deploy body failed: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      file.ifPresent(DeployUpload::deleteQuietly);
      throw e;
    }
  }

  private static void decodeInto(JsonParser parser, Path file, long limit) throws IOException {
    try (OutputStream out = new BoundedOutput(Files.newOutputStream(file), limit)) {
      parser.readBinaryValue(out);
    } catch (JsonProcessingException e) {
      throw new ValidationException(
          CONTEXT_FIELD + " is not valid base64: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) { // Jackson's word for a character outside base64
      throw new ValidationException(CONTEXT_FIELD + " is not valid base64: " + e.getMessage(), e);
    }
  }

  /** Removes the context file, if any (idempotent). */
  public void discard() {
    context.ifPresent(DeployUpload::deleteQuietly);
  }

  static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "DeployUpload[" + request + ", context=" + context.isPresent() + "]";
  }

  /** Refuses reading past {@code limit} bytes of body with a 413 naming the limit. */
  private static final class BoundedInput extends FilterInputStream {
    private final long limit;
    private long count;

    BoundedInput(InputStream in, long limit) {
      super(in);
      this.limit = limit;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      count += n;
      if (count > limit) {
        throw new PayloadTooLargeException(
            "request body is above the limit of " + limit + " bytes for /api/v1/deploy");
      }
    }
  }

  /** Refuses writing more than {@code limit} bytes of decoded context with a 413. */
  private static final class BoundedOutput extends FilterOutputStream {
    private final long limit;
    private long count;

    BoundedOutput(OutputStream out, long limit) {
      super(out);
      this.limit = limit;
    }

    @Override
    public void write(int b) throws IOException {
      count(1);
      out.write(b);
    }

    @Override
    public void write(byte[] buffer, int offset, int length) throws IOException {
      count(length);
      out.write(buffer, offset, length);
    }

    private void count(int n) {
      count += n;
      if (count > limit) {
        throw new PayloadTooLargeException(
            "build context is above the limit of "
                + limit
                + " bytes ("
                + BuildContext.mib(limit)
                + ", MAX_BUILD_CONTEXT_MB) compressed; add large files to .gitignore or deploy"
                + " from git");
      }
    }
  }
}
