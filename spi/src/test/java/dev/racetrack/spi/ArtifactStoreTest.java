package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactStoreTest {
  @TempDir Path data;

  @Test
  void dir_isUnderTheDataDirsArtifactsByNameVersionAndTag() {
    ArtifactStore store = ArtifactStore.in(data);

    assertThat(store.dir("adder", "1.0.0", "t1"))
        .isEqualTo(data.resolve("artifacts").resolve("adder").resolve("1.0.0").resolve("t1"));
  }

  @Test
  void list_givesEveryBuildWithItsJob_andNothingWhenNoneWasBuilt() throws IOException {
    ArtifactStore store = ArtifactStore.in(data);
    assertThat(store.list()).isEmpty();
    Files.createDirectories(store.dir("adder", "1.0.0", "t1"));
    Files.createDirectories(store.dir("adder", "1.0.1", "t2"));
    Files.createDirectories(store.dir("other", "2.0.0", "t3"));
    Files.writeString(store.root().resolve("adder").resolve("stray-file"), "x");

    assertThat(store.list())
        .extracting(ArtifactStore.Stored::jobName, ArtifactStore.Stored::jobVersion)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("adder", "1.0.0"),
            org.assertj.core.groups.Tuple.tuple("adder", "1.0.1"),
            org.assertj.core.groups.Tuple.tuple("other", "2.0.0"));
  }

  @Test
  void launch_writtenThenRead_isTheSameSpec() throws IOException {
    Path artifact = Files.createDirectories(ArtifactStore.in(data).dir("adder", "1.0.0", "t1"));
    LaunchSpec spec =
        new LaunchSpec(
            List.of("python3", "{artifact}/main.py"), ".", Map.of("A", "b"), List.of("/usr"));

    ArtifactStore.writeLaunch(artifact, spec);

    assertThat(ArtifactStore.launchFile(artifact)).exists();
    assertThat(ArtifactStore.readLaunch(artifact)).isEqualTo(spec);
  }

  @Test
  void readLaunch_whenTheFileIsMissing_failsNamingTheArtifact() {
    Path artifact = data.resolve("nothing-here");

    assertThatThrownBy(() -> ArtifactStore.readLaunch(artifact))
        .isInstanceOf(JobStartException.class)
        .hasMessageContaining(artifact.toString())
        .hasMessageContaining("launch.json");
  }
}
