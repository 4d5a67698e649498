package dev.racetrack.spi;

import dev.racetrack.model.AtomicFiles;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The one owner of the on-disk layout of locally built artifacts: {@code
 * DATA/artifacts/NAME/VERSION/TAG/} holds what a job type built, with its {@link LaunchSpec} in
 * {@code launch.json} beside it. The image builder writes artifacts here, the local target starts
 * them, the supervisor's clean-up removes the unused ones and the backup copies the directory; none
 * of them spells the layout out.
 *
 * @param root the {@code artifacts} directory
 */
public record ArtifactStore(Path root) {
  /** The directory's name under the data directory. */
  public static final String DIRECTORY = "artifacts";

  private static final String LAUNCH_FILE = "launch.json";

  /** The store of a platform whose data directory is {@code dataDir}. */
  public static ArtifactStore in(Path dataDir) {
    return new ArtifactStore(dataDir.resolve(DIRECTORY));
  }

  /** The directory of one build of a job version. */
  public Path dir(String jobName, String jobVersion, String tag) {
    return root.resolve(jobName).resolve(jobVersion).resolve(tag);
  }

  /**
   * One stored build.
   *
   * @param jobName the job it was built for
   * @param jobVersion that job's version
   * @param dir its directory
   */
  public record Stored(String jobName, String jobVersion, Path dir) {}

  /** Every stored build; empty when nothing was built yet. */
  public List<Stored> list() {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> builds = Files.walk(root, 3)) {
      return builds
          .filter(p -> root.relativize(p).getNameCount() == 3 && Files.isDirectory(p))
          .map(
              p -> {
                Path rel = root.relativize(p);
                return new Stored(rel.getName(0).toString(), rel.getName(1).toString(), p);
              })
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the artifacts in " + root, e);
    }
  }

  /** The file holding how to start the artifact in {@code artifactDir}. */
  public static Path launchFile(Path artifactDir) {
    return artifactDir.resolve(LAUNCH_FILE);
  }

  /** Stores how to start the artifact in {@code artifactDir} (written atomically). */
  public static void writeLaunch(Path artifactDir, LaunchSpec launch) {
    AtomicFiles.write(launchFile(artifactDir), Json.write(launch));
  }

  /**
   * How to start the artifact in {@code artifactDir}.
   *
   * @throws JobStartException naming the artifact when the file is missing or unreadable
   */
  public static LaunchSpec readLaunch(Path artifactDir) {
    Path file = launchFile(artifactDir);
    try {
      return Json.mapper().readValue(file.toFile(), LaunchSpec.class);
    } catch (IOException e) {
      throw new JobStartException(
          "artifact " + artifactDir + " has no readable " + LAUNCH_FILE + ": " + e.getMessage(), e);
    }
  }
}
