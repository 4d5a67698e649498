package dev.racetrack.spi;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Helpers job types share: copying trees and resources, running build commands. */
public final class BuildTools {
  private static final int TAIL_LINES = 30;

  private BuildTools() {}

  /** Copies a directory tree, skipping paths (relative to {@code from}) {@code skip} accepts. */
  public static void copyTree(Path from, Path to, Predicate<Path> skip) {
    try (Stream<Path> files = Files.walk(from)) {
      for (Path source : files.toList()) {
        Path relative = from.relativize(source);
        if (!relative.toString().isEmpty() && skip.test(relative)) {
          continue;
        }
        Path target = to.resolve(relative.toString());
        if (Files.isSymbolicLink(source)) {
          Files.createDirectories(target.getParent());
          Files.copy(
              source, target, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.REPLACE_EXISTING);
        } else if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(
              source,
              target,
              StandardCopyOption.REPLACE_EXISTING,
              StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot copy " + from + " to " + to + ": " + e.getMessage(), e);
    }
  }

  /**
   * Copies a directory of class-path resources (from a jar or a classes directory) next to the
   * class {@code anchor}.
   */
  public static synchronized void copyResourceDir(Class<?> anchor, String resourceDir, Path to) {
    URL url = anchor.getResource(resourceDir);
    if (url == null) {
      throw new IllegalStateException(
          "resource directory " + resourceDir + " not found next to " + anchor.getName());
    }
    try {
      URI uri = url.toURI();
      if ("jar".equals(uri.getScheme())) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          copyTree(jar.provider().getPath(uri), to, p -> p.toString().contains("__pycache__"));
        }
      } else {
        copyTree(Path.of(uri), to, p -> p.toString().contains("__pycache__"));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot copy resources " + resourceDir + ": " + e.getMessage(), e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Runs a build step in {@code sandbox}, streaming its output into the build log. The step dies
   * with the platform.
   *
   * @param step the command, its directories and its complete environment ({@code dieWithParent} is
   *     forced)
   * @throws BuildException with the output's last lines when it exits non-zero
   * @throws SandboxException when the sandbox cannot run it
   */
  public static void run(Sandbox sandbox, Sandbox.Spec step, BuildProgress progress, String what) {
    Sandbox.Spec dying =
        new Sandbox.Spec(
            step.command(), step.workDir(), step.env(), step.writable(), step.readOnly(), true);
    ProcessBuilder builder = sandbox.processBuilder(dying).redirectErrorStream(true);
    Deque<String> tail = new ArrayDeque<>();
    try {
      Process process = builder.start();
      process.getOutputStream().close();
      try (InputStream out = process.getInputStream();
          BufferedReader reader =
              new BufferedReader(new InputStreamReader(out, StandardCharsets.UTF_8))) {
        String line;
        while ((line = reader.readLine()) != null) {
          progress.log(line);
          tail.addLast(line);
          if (tail.size() > TAIL_LINES) {
            tail.removeFirst();
          }
        }
      }
      int exit = process.waitFor();
      if (exit != 0) {
        throw new BuildException(
            what + " failed (exit code " + exit + "):\n" + String.join("\n", tail));
      }
    } catch (IOException e) {
      throw new BuildException(
          what + " could not run " + step.command().getFirst() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildException(what + " was interrupted", e);
    }
  }

  /** A path given in a manifest, checked to stay inside {@code root}. */
  public static Path inside(Path root, String relative, String field) {
    Path resolved = root.resolve(relative).normalize();
    if (Path.of(relative).isAbsolute() || !resolved.startsWith(root.normalize())) {
      throw new BuildException(
          field + " '" + relative + "' must be a path inside the job directory");
    }
    return resolved;
  }
}
