package dev.racetrack.lifecycle.deployment;

import dev.racetrack.http.JsonUpload;
import dev.racetrack.lifecycle.job.BuildContexts;
import dev.racetrack.model.DeployRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A deploy request read from its body as a stream (the original client's wire format: the build
 * context as base64 inside the JSON), by the same {@link JsonUpload} reader the image builder uses:
 * the base64 field is decoded straight into a file, the other fields are parsed as usual. So no
 * copy of the whole context is ever held in memory, and a body that is malformed or above a limit
 * leaves no file behind.
 *
 * @param request the request's fields, without the build context
 * @param context the decoded .tar.gz, when the request carries one; its owner deletes it
 */
public record DeployUpload(DeployRequest request, Optional<Path> context) {

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
    JsonUpload<DeployRequest> upload =
        JsonUpload.read(
            body,
            DeployRequest.class,
            JsonUpload.Spec.buildContext("/api/v1/deploy", bodyLimit, contextLimit),
            contexts::newUpload);
    return new DeployUpload(upload.fields(), upload.file());
  }

  /** Removes the context file, if any (idempotent). */
  public void discard() {
    context.ifPresent(
        file -> {
          try {
            Files.deleteIfExists(file);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file + ": " + e.getMessage(), e);
          }
        });
  }

  @Override
  public String toString() {
    return "DeployUpload[" + request + ", context=" + context.isPresent() + "]";
  }
}
