package dev.racetrack.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.error.PayloadTooLargeException;
import dev.racetrack.model.error.ValidationException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.commons.io.input.BoundedInputStream;
import org.apache.commons.io.output.ThresholdingOutputStream;

/**
 * A JSON object read from a stream, whose one base64 field (a build context) is decoded straight
 * into a file while the other fields are parsed as usual. Neither the body nor the decoded field is
 * ever held whole in memory, so the field is not capped by Jackson's longest string (20 million
 * characters) but only by the limits given; a body that is malformed or above a limit leaves no
 * file behind. Lifecycle reads deploy bodies with it, the image builder its build requests.
 *
 * @param fields the object's other fields, as {@code T}
 * @param file the decoded field, when the body carries it as a string; its owner deletes it
 */
public record JsonUpload<T>(T fields, Optional<Path> file) {

  public JsonUpload {
    Objects.requireNonNull(fields, "fields");
    Objects.requireNonNull(file, "file");
  }

  /**
   * What to decode and how much to read.
   *
   * @param field the name of the base64 field decoded into a file
   * @param route the route, named in the 413 of a body above {@code maxBodyBytes}
   * @param maxBodyBytes most bytes of body read
   * @param maxFileBytes most bytes of decoded field
   * @param fileTooLarge the message of the 413 of a field above {@code maxFileBytes}
   */
  public record Spec(
      String field, String route, long maxBodyBytes, long maxFileBytes, String fileTooLarge) {
    public Spec {
      Objects.requireNonNull(field, "field");
      Objects.requireNonNull(route, "route");
      Objects.requireNonNull(fileTooLarge, "fileTooLarge");
      if (maxBodyBytes <= 0 || maxFileBytes <= 0 || maxFileBytes > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "limits must be positive (and the file's below 2 GiB): "
                + maxBodyBytes
                + ", "
                + maxFileBytes);
      }
    }

    /**
     * The {@code build_context} of a deploy or build body, limited by {@code MAX_BUILD_CONTEXT_MB}.
     */
    public static Spec buildContext(String route, long maxBodyBytes, long maxContextBytes) {
      return new Spec(
          "build_context",
          route,
          maxBodyBytes,
          maxContextBytes,
          "build context is above the limit of "
              + maxContextBytes
              + " bytes ("
              + BuildContext.mib(maxContextBytes)
              + ", MAX_BUILD_CONTEXT_MB) compressed; add large files to .gitignore or deploy"
              + " from git");
    }
  }

  /**
   * Reads a body.
   *
   * @param type what the other fields are read as (the decoded field is absent from them)
   * @param newFile creates the (empty) file the field is decoded into
   * @throws PayloadTooLargeException when the body or the decoded field is above its limit
   * @throws ValidationException when the body is not such a JSON object or the field not base64
   */
  public static <T> JsonUpload<T> read(
      InputStream body, Class<T> type, Spec spec, Supplier<Path> newFile) {
    Optional<Path> file = Optional.empty();
    boolean complete = false;
    try (JsonParser parser = Json.mapper().createParser(bounded(body, spec))) {
      ObjectNode fields = Json.mapper().createObjectNode();
      startObject(parser);
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (!spec.field().equals(name)) {
          fields.set(name, parser.readValueAsTree());
        } else if (file.isPresent()) {
          throw new ValidationException("duplicate field " + name);
        } else if (value == JsonToken.VALUE_STRING) {
          file = Optional.of(newFile.get());
          decodeInto(parser, file.get(), spec);
        } else if (value != JsonToken.VALUE_NULL) {
          throw new ValidationException(name + " must be a base64 string or null");
        }
      }
      JsonUpload<T> upload = new JsonUpload<>(Json.mapper().treeToValue(fields, type), file);
      complete = true;
      return upload;
    } catch (JsonProcessingException e) {
      throw new ValidationException("malformed JSON body: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new ValidationException("invalid request body: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException("reading the request body failed: " + e.getMessage(), e);
    } finally {
      if (!complete) {
        file.ifPresent(JsonUpload::deleteAfterFailure);
      }
    }
  }

  /** Removes the decoded file, if any (idempotent). */
  public void discard() {
    file.ifPresent(JsonUpload::delete);
  }

  @Override
  public String toString() {
    return "JsonUpload[" + fields + ", file=" + file.isPresent() + "]";
  }

  private static InputStream bounded(InputStream body, Spec spec) throws IOException {
    return BoundedInputStream.builder()
        .setInputStream(body)
        .setMaxCount(spec.maxBodyBytes())
        .setOnMaxCount(
            (max, count) -> {
              throw new PayloadTooLargeException(
                  "request body is above the limit of " + max + " bytes for " + spec.route());
            })
        .get();
  }

  private static void startObject(JsonParser parser) throws IOException {
    JsonToken first = parser.nextToken();
    if (first == null) {
      throw new ValidationException("request body is empty; expected a JSON object");
    }
    if (first != JsonToken.START_OBJECT) {
      throw new ValidationException("request body must be a JSON object");
    }
  }

  private static void decodeInto(JsonParser parser, Path file, Spec spec) throws IOException {
    try (OutputStream disk = new BufferedOutputStream(Files.newOutputStream(file), 64 * 1024);
        OutputStream out =
            new ThresholdingOutputStream(
                (int) spec.maxFileBytes(),
                reached -> {
                  throw new PayloadTooLargeException(spec.fileTooLarge());
                },
                reached -> disk)) {
      parser.readBinaryValue(out);
    } catch (JsonProcessingException e) {
      throw new ValidationException(
          spec.field() + " is not valid base64: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) { // Jackson's word for a character outside base64
      throw new ValidationException(spec.field() + " is not valid base64: " + e.getMessage(), e);
    }
  }

  /** Deletes what a failed read wrote; the failure, not a failing delete, is what is reported. */
  private static void deleteAfterFailure(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      // the read's own exception propagates; a file left here is removed at the next start
    }
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
    }
  }
}
