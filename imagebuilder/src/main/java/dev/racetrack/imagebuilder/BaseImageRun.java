package dev.racetrack.imagebuilder;

import dev.racetrack.model.FileTrees;
import dev.racetrack.spi.BuildCache;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildProgress;
import dev.racetrack.spi.BuildTools;
import dev.racetrack.spi.ImagePlan;
import dev.racetrack.spi.Sandbox;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a job type's dependency step in a throw-away container of the base image, through the {@code
 * docker} CLI (host network, the job directory read-only, the output directory and the job family's
 * download cache, if any, writable, the builder's own uid so the output is the builder's). Registry
 * credentials go to a private {@code DOCKER_CONFIG} directory and the step's environment (build
 * secrets included) to an env file readable by the builder only; both are deleted afterwards, and
 * neither lands in the output.
 */
final class BaseImageRun {
  private final ImageSettings settings;

  BaseImageRun(ImageSettings settings) {
    this.settings = settings;
  }

  /** Runs {@code step} in {@code baseImage}; its output ends up in {@code output}. */
  void run(ImagePlan.DependencyStep step, String baseImage, Path output, BuildProgress progress) {
    Path secrets = privateTempDir();
    // held while the step runs: no other build of the family empties the cache under it
    Optional<BuildCache.Use> use = Optional.empty();
    try {
      use = step.cache().map(BuildCache::use);
      Files.createDirectories(output);
      Path envFile = secrets.resolve("env");
      writePrivate(envFile, envFileText(step.env()));
      Map<String, String> env = new HashMap<>();
      env.put("PATH", System.getenv().getOrDefault("PATH", "/usr/local/bin:/usr/bin:/bin"));
      env.put("DOCKER_CONFIG", secrets.toString());
      settings.dockerHost().ifPresent(h -> env.put("DOCKER_HOST", h));
      if (settings.username().isPresent() && settings.registry().isPresent()) {
        writePrivate(secrets.resolve("config.json"), dockerConfig());
      }
      Object uid = Files.getAttribute(output, "unix:uid");
      Object gid = Files.getAttribute(output, "unix:gid");
      List<String> command = new ArrayList<>();
      command.addAll(
          List.of(
              "docker",
              "run",
              "--rm",
              "--pull",
              "always", // the same base jib builds on, not a stale local copy
              "--network",
              "host",
              "--user",
              uid + ":" + gid,
              "--env-file",
              envFile.toString(),
              "--mount",
              bind(step.input(), ImagePlan.DependencyStep.INPUT, true),
              "--mount",
              bind(output, ImagePlan.DependencyStep.OUTPUT, false)));
      for (Path dir : step.readOnly()) {
        command.add("--mount");
        command.add(bind(dir, dir.toString(), true));
      }
      if (step.cache().isPresent()) {
        command.add("--mount");
        command.add(bind(step.cache().get().dir(), ImagePlan.DependencyStep.CACHE, false));
      }
      command.add("--workdir");
      command.add(ImagePlan.DependencyStep.INPUT);
      command.add(baseImage);
      command.addAll(step.command());
      progress.log("running " + String.join(" ", step.command()) + " in " + baseImage);
      BuildTools.run(
          Sandbox.none(),
          new Sandbox.Spec(command, output, env, List.of(), List.of(), true),
          progress,
          "installing dependencies in the base image");
    } catch (IOException e) {
      throw new BuildException("cannot prepare the dependency step: " + e.getMessage(), e);
    } finally {
      FileTrees.delete(secrets);
      use.ifPresent(BuildCache.Use::close);
      step.cache().ifPresent(cache -> cache.trim(progress));
    }
  }

  private static String bind(Path source, String target, boolean readOnly) {
    return "type=bind,source="
        + source.toAbsolutePath()
        + ",target="
        + target
        + (readOnly ? ",readonly" : "");
  }

  /** One {@code NAME=value} a line; docker reads values verbatim (a newline cannot be passed). */
  static String envFileText(Map<String, String> env) {
    StringBuilder text = new StringBuilder();
    env.forEach(
        (name, value) -> {
          if (value.contains("\n") || name.contains("=") || name.contains("\n")) {
            throw new BuildException(
                "build variable " + name.lines().findFirst().orElse("") + " holds a line break");
          }
          text.append(name).append('=').append(value).append('\n');
        });
    return text.toString();
  }

  private String dockerConfig() {
    String auth =
        Base64.getEncoder()
            .encodeToString(
                (settings.username().orElseThrow() + ":" + settings.password().orElseThrow())
                    .getBytes(StandardCharsets.UTF_8));
    return "{\"auths\":{\""
        + settings.registry().orElseThrow()
        + "\":{\"auth\":\""
        + auth
        + "\"}}}";
  }

  private static Path privateTempDir() {
    try {
      return Files.createTempDirectory(
          "racetrack-docker-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a private temporary directory", e);
    }
  }

  private static void writePrivate(Path file, String text) throws IOException {
    Files.createFile(
        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(file, text);
  }
}
