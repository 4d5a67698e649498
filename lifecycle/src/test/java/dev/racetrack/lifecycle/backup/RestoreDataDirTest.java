package dev.racetrack.lifecycle.backup;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A restore into another data directory than the one backed up is refused while jobs would run from
 * files in the old one: the local target records its jobs' artifacts by absolute path.
 */
class RestoreDataDirTest {
  private static final Path BACKED_UP = Path.of("/srv/racetrack/data");

  private static BackupManifest manifest(
      List<BackupManifest.Entry> entries, List<BackupManifest.JobImage> images) {
    return new BackupManifest(
        BackupManifest.FORMAT,
        "1.0.0",
        "14",
        "2026-12-04T00:00:00Z",
        BACKED_UP.toString(),
        List.of(),
        List.of(),
        entries,
        images,
        List.of());
  }

  private static final BackupManifest WITH_A_LOCAL_JOB =
      manifest(
          List.of(
              new BackupManifest.Entry(
                  "files/infrastructure/local/jobs/job-adder-v-0-0-1/state.json", 300, "00"),
              new BackupManifest.Entry("files/artifacts/adder/0.0.1-abc/launch.json", 100, "00")),
          // the jobs' image column holds the artifact's last segment only, not its path
          List.of(new BackupManifest.JobImage("adder", "0.0.1", "running", "0.0.1-abc", "local")));

  @Test
  void localJob_intoAnotherDataDirectory_isRefusedNamingBothPaths() {
    assertThatThrownBy(
            () -> Restore.requireDataDirFits(WITH_A_LOCAL_JOB, Path.of("/srv/racetrack/new")))
        .isInstanceOf(BackupException.class)
        .hasMessageContaining("the backup was taken of data directory /srv/racetrack/data")
        .hasMessageContaining("restored into /srv/racetrack/new")
        .hasMessageContaining("local job job-adder-v-0-0-1")
        .hasMessageContaining("nothing was changed");
  }

  @Test
  void localJob_intoTheSameDataDirectory_isRestored() {
    assertThatCode(() -> Restore.requireDataDirFits(WITH_A_LOCAL_JOB, BACKED_UP))
        .doesNotThrowAnyException();
  }

  @Test
  void onlyJobsOfOtherTargets_canBeRestoredAnywhere() {
    BackupManifest dockerOnly =
        manifest(
            List.of(
                new BackupManifest.Entry(
                    "files/infrastructure/docker/jobs/job-adder-v-0-0-1/state.json", 300, "00")),
            List.of(
                new BackupManifest.JobImage(
                    "adder", "0.0.1", "running", "localhost:5000/adder:0.0.1", "docker")));

    assertThatCode(() -> Restore.requireDataDirFits(dockerOnly, Path.of("/srv/racetrack/new")))
        .doesNotThrowAnyException();
  }
}
