package dev.racetrack.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobSecrets;
import dev.racetrack.spi.PluginContext;
import dev.racetrack.spi.SecretBox;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Docker target without an engine (a machine that has none). */
class DockerTargetTest {
  @TempDir Path tmp;

  private InfrastructureTarget target() {
    return new DockerInfrastructurePlugin()
        .create(
            new PluginContext(
                tmp.resolve("docker"),
                new SecretBox(new byte[32]),
                Map.of("DOCKER_HOST", "unix://" + tmp.resolve("no-engine.sock")),
                Clock.systemUTC(),
                HttpClient.newHttpClient()));
  }

  @Test
  void list_withoutAnEngineAndWithoutJobs_isEmpty() {
    try (InfrastructureTarget target = target()) {
      assertThat(target.runsImages()).isTrue();
      assertThat(target.list()).isEmpty();
    }
  }

  @Test
  void list_withoutAnEngineButWithJobs_fails() {
    try (InfrastructureTarget target = target()) {
      target.saveSecrets("adder", "1.0.0", JobSecrets.none());

      assertThatThrownBy(target::list).isInstanceOf(RuntimeException.class);
    }
  }

  @Test
  void secrets_areKeptEncryptedAcrossInstances() {
    JobSecrets secrets = new JobSecrets(Optional.empty(), Map.of("B", "1"), Map.of("R", "2"));
    try (InfrastructureTarget target = target()) {
      target.saveSecrets("adder", "1.0.0", secrets);
    }
    try (InfrastructureTarget target = target()) {
      assertThat(target.secrets("adder", "1.0.0")).contains(secrets);
    }
  }
}
