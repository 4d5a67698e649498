package dev.racetrack.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import dev.racetrack.model.FileTrees;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * {@code kustomize/dev} rendered offline as an admin would apply it: the directory is copied, its
 * secrets are generated there with {@code scripts/kustomize-secrets.sh} (the repository holds none)
 * and {@code kubectl kustomize} renders the copy. Skips (or, in CI, fails) without kubectl.
 */
public final class KustomizeDev {
  private KustomizeDev() {}

  /** The repository's root: the nearest parent of the working directory holding kustomize/dev. */
  public static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("kustomize/dev"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("no parent directory of the working one holds kustomize/dev");
    }
    return dir;
  }

  /** The objects {@code kubectl apply -k kustomize/dev} would apply, secrets generated. */
  public static List<JsonNode> render() {
    return render(Map.of());
  }

  /**
   * As {@link #render()}, the secrets script run with {@code scriptEnv} added (e.g. {@code
   * JOB_REGISTRY_USER} and {@code JOB_REGISTRY_PASSWORD}).
   */
  public static List<JsonNode> render(Map<String, String> scriptEnv) {
    Path kubectl = Tools.require("kubectl");
    Path root = repositoryRoot();
    Path copy = null;
    try {
      copy = Files.createTempDirectory("kustomize-dev");
      Path dev = copy.resolve("dev");
      copyTree(root.resolve("kustomize/dev"), dev);
      FileTrees.delete(dev.resolve("secrets")); // what a local `make docker-push` left there
      String generated =
          run(
              List.of(root.resolve("scripts/kustomize-secrets.sh").toString(), dev.toString()),
              scriptEnv);
      String rendered = run(List.of(kubectl.toString(), "kustomize", dev.toString()), Map.of());
      List<JsonNode> objects = new ArrayList<>();
      try (MappingIterator<JsonNode> docs =
          Json.yaml().readerFor(JsonNode.class).readValues(rendered)) {
        while (docs.hasNext()) {
          JsonNode doc = docs.next();
          if (doc != null && !doc.isEmpty()) {
            objects.add(doc);
          }
        }
      }
      if (objects.isEmpty()) {
        throw new IllegalStateException("kustomize rendered nothing; secrets: " + generated);
      }
      return objects;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      if (copy != null) {
        FileTrees.delete(copy);
      }
    }
  }

  /** Runs {@code command} with {@code env} added, its output; fails naming it unless it exits 0. */
  public static String run(List<String> command, Map<String, String> env) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    return out;
  }

  private static void copyTree(Path from, Path to) throws IOException {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path source : paths.toList()) {
        Path target = to.resolve(from.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
