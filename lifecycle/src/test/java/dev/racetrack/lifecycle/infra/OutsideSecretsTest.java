package dev.racetrack.lifecycle.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.lifecycle.deployment.RecordingTarget;
import dev.racetrack.model.DeployRequest.GitCredentials;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.SecretBox;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutsideSecretsTest {
  private static final JobSecrets SECRETS =
      new JobSecrets(
          Optional.of(new GitCredentials("bot", "git-password")),
          Map.of("PIP_TOKEN", "build-secret"),
          Map.of("API_KEY", "runtime-secret"));

  @TempDir Path dataDir;
  private final SecretBox box = new SecretBox(new byte[32]);

  @Test
  void path_namesTheTargetJobAndVersion_andRefusesPartsThatWouldEscape() {
    assertThat(OutsideSecrets.path("kubernetes", "adder", "1.0.0-rc.1+b2"))
        .isEqualTo("infrastructure/kubernetes/secrets-to-restore/adder/1.0.0-rc.1+b2.sealed");
    for (String bad : List.of("..", "a/b", "", ".hidden", "a\\b")) {
      assertThatThrownBy(() -> OutsideSecrets.path("kubernetes", bad, "1.0.0"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'" + bad + "'");
    }
  }

  @Test
  void sealThenWriteBack_givesTheTargetTheSameSecrets_andDeletesTheFile() throws Exception {
    RecordingTarget source = new RecordingTarget();
    source.saveSecrets("adder", "1.0.0", SECRETS);
    byte[] sealed = OutsideSecrets.seal(source, box, "adder", "1.0.0").orElseThrow();
    assertThat(new String(sealed, StandardCharsets.UTF_8))
        .doesNotContain("runtime-secret", "git-password", "build-secret");
    assertThat(OutsideSecrets.seal(source, box, "adder", "2.0.0")).isEmpty();

    Path file = write(OutsideSecrets.path("recording", "adder", "1.0.0"), sealed);
    RecordingTarget restored = new RecordingTarget();
    try (Targets targets = new Targets(List.of(restored), Optional.empty())) {
      assertThat(OutsideSecrets.writeBack(dataDir, targets, box)).isEqualTo(1);
    }
    assertThat(restored.savedSecrets).containsExactly(Map.entry("adder v1.0.0", SECRETS));
    assertThat(file).doesNotExist();
  }

  @Test
  void writeBack_whenTheTargetFails_keepsTheFileForTheNextStart() throws Exception {
    RecordingTarget source = new RecordingTarget();
    source.saveSecrets("adder", "1.0.0", SECRETS);
    Path file =
        write(
            OutsideSecrets.path("recording", "adder", "1.0.0"),
            OutsideSecrets.seal(source, box, "adder", "1.0.0").orElseThrow());
    RecordingTarget unreachable = new RecordingTarget();
    unreachable.savingFails = new IllegalStateException("the API server does not answer");
    try (Targets targets = new Targets(List.of(unreachable), Optional.empty())) {
      assertThat(OutsideSecrets.writeBack(dataDir, targets, box)).isZero();
    }
    assertThat(file).exists();
  }

  @Test
  void writeBack_withNothingRestored_doesNothing() {
    try (Targets targets = new Targets(List.of(new RecordingTarget()), Optional.empty())) {
      assertThat(OutsideSecrets.writeBack(dataDir, targets, box)).isZero();
    }
  }

  private Path write(String relative, byte[] content) throws Exception {
    Path file = dataDir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.write(file, content);
    return file;
  }
}
