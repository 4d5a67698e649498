package dev.racetrack.imagebuilder;

import com.google.cloud.tools.jib.api.CacheDirectoryCreationException;
import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.ImagePlan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

/**
 * Builds a job's OCI image with jib-core (no daemon) from a job type's {@link ImagePlan} and pushes
 * it to the configured registry: the base image's layers, then the dependency layer (made by {@link
 * BaseImageRun} in the base image), then the job type's layers (wrapper, code). Layers are
 * reproducible (fixed file times and modes), so a code-only change rebuilds and pushes one small
 * layer. The image runs as an unprivileged user.
 */
final class JobImages {
  /** The unprivileged user jobs run as in their containers ({@code nobody:nogroup}). */
  static final String USER = "65534:65534";

  private final ImageSettings settings;
  private final Path cache;
  private final BaseImageRun baseImageRun;

  JobImages(ImageSettings settings, Path cache) {
    this.settings = settings;
    this.cache = cache;
    this.baseImageRun = new BaseImageRun(settings);
    if (settings.insecure()) {
      // jib refuses to send credentials over plain HTTP unless told to
      System.setProperty("sendCredentialsOverHttp", "true");
    }
  }

  /** What the image is of; its labels. */
  record Job(String name, String version, String jobType, String tag, Map<String, String> labels) {}

  /** The configured base image of a job type. */
  String baseImage(String jobType) {
    String base = settings.baseImages().get(jobType);
    if (base == null) {
      throw new BuildException("no base image is configured for job type " + jobType);
    }
    return base;
  }

  /**
   * Builds on {@code base} (the configured one, or one derived from it with system packages) and
   * pushes; returns the image pinned by digest ({@code registry/ns/...@sha256:...}).
   *
   * @param staging a directory for the dependency step's output
   */
  String build(Job job, String base, ImagePlan plan, Path staging, BuildProgress progress) {
    if (settings.registry().isEmpty()) {
      throw new BuildException(
          "this image builder has no registry to push images to: set DOCKER_REGISTRY (and"
              + " DOCKER_REGISTRY_NAMESPACE, DOCKER_REGISTRY_USERNAME/PASSWORD)");
    }
    List<ImagePlan.Layer> layers = new ArrayList<>();
    if (plan.dependencies().isPresent()) {
      progress.phase("installing dependencies in the base image");
      Path output = staging.resolve("dependencies");
      baseImageRun.run(plan.dependencies().get(), base, output, progress);
      layers.add(new ImagePlan.Layer("dependencies", output, plan.dependencies().get().target()));
    }
    layers.addAll(plan.layers());
    progress.phase("pushing image (1/1)");
    String repository = settings.repository(job.name());
    try {
      JibContainerBuilder builder = Jib.from(registryImage(base));
      for (ImagePlan.Layer layer : layers) {
        if (!isEmpty(layer.source())) {
          builder.addFileEntriesLayer(layer(layer));
        }
      }
      builder
          .setEntrypoint(plan.entrypoint())
          .setProgramArguments(List.of())
          .setEnvironment(plan.env())
          .setWorkingDirectory(AbsoluteUnixPath.get(plan.workingDir()))
          .setUser(USER)
          .setLabels(job.labels())
          .setCreationTime(Instant.EPOCH)
          .setFormat(ImageFormat.OCI);
      Containerizer containerizer =
          Containerizer.to(registryImage(repository + ":" + job.tag()))
              .setAllowInsecureRegistries(settings.insecure())
              .setBaseImageLayersCache(cache.resolve("base"))
              .setApplicationLayersCache(cache.resolve("layers"))
              .setToolName("racetrack-image-builder")
              .addEventHandler(LogEvent.class, e -> log(e, progress));
      JibContainer container = builder.containerize(containerizer);
      String reference = repository + "@" + container.getDigest();
      progress.log("pushed " + reference + " (tag " + job.tag() + ")");
      return reference;
    } catch (InvalidImageReferenceException e) {
      throw new BuildException("invalid image reference: " + e.getMessage(), e);
    } catch (RegistryException | CacheDirectoryCreationException e) {
      throw new BuildException(
          "pushing the image to " + repository + " failed: " + e.getMessage(), e);
    } catch (IOException | ExecutionException e) {
      throw new BuildException(
          "building the image " + repository + " failed: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RacetrackException("interrupted while building the image");
    }
  }

  private static FileEntriesLayer layer(ImagePlan.Layer layer) throws IOException {
    return FileEntriesLayer.builder()
        .setName(layer.name())
        .addEntryRecursive(layer.source(), AbsoluteUnixPath.get(layer.target()))
        .build();
  }

  private RegistryImage registryImage(String reference) throws InvalidImageReferenceException {
    ImageReference parsed = ImageReference.parse(reference);
    RegistryImage image = RegistryImage.named(parsed);
    String registry = parsed.getRegistry();
    if (settings.registry().map(registry::equals).orElse(false)
        && settings.username().isPresent()) {
      image.addCredential(settings.username().get(), settings.password().orElseThrow());
    }
    return image;
  }

  private static boolean isEmpty(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return true;
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.findAny().isEmpty();
    }
  }

  private static void log(LogEvent event, BuildProgress progress) {
    switch (event.getLevel()) {
      case ERROR -> progress.log("ERROR: " + event.getMessage());
      case WARN -> progress.warning(event.getMessage());
      case LIFECYCLE, PROGRESS, INFO -> progress.log(event.getMessage());
      default -> {
        // debug output stays out of the build log
      }
    }
  }
}
