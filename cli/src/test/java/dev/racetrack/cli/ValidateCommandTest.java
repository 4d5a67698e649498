package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir Path dir;
  private Path jobDir;
  private CliFixture cli;

  @BeforeEach
  void start() throws IOException {
    cli = new CliFixture(dir);
    jobDir = Files.createDirectories(dir.resolve("job"));
    Files.writeString(
        jobDir.resolve("base.yaml"),
        """
        name: adder
        owner_email: sample@example.com
        jobtype: python3:latest
        git: {remote: https://github.com/example/adder, branch: main}
        runtime_env: {A: "1", B: "2"}
        """);
    Files.writeString(
        jobDir.resolve("job.yaml"),
        """
        extends: base.yaml
        version: 1.0.0
        git: {branch: dev}
        runtime_env: {B: "3"}
        """);
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  @Test
  void validate_withOverlayAndExtraVars_printsMergedManifestYamlAndIsValid() throws IOException {
    CliFixture.Result result =
        cli.run("validate", jobDir.toString(), "-e", "version=1.0.1", "-e", "runtime_env.C=4");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(yaml(result.out()))
        .containsEntry("name", "adder")
        .containsEntry("version", "1.0.1")
        .containsEntry("jobtype", "python3:latest")
        .containsEntry(
            "git",
            Map.of("remote", "https://github.com/example/adder", "branch", "dev", "directory", "."))
        .doesNotContainKey("extends");
    // values compared as text: the model's YAML writer leaves number-like strings unquoted
    assertThat((Map<?, ?>) yaml(result.out()).get("runtime_env"))
        .extractingFromEntries(e -> e.getKey() + "=" + e.getValue())
        .containsExactlyInAnyOrder("A=1", "B=3", "C=4");
    assertThat(result.err()).isEqualTo("manifest " + jobDir.resolve("job.yaml") + " is valid\n");
  }

  @Test
  void validate_withManifestFilePath_validatesThatFile() throws IOException {
    Files.writeString(
        jobDir.resolve("other.yaml"), "extends: base.yaml\nname: other-name\nversion: 2.0.0\n");

    CliFixture.Result result = cli.run("validate", jobDir.resolve("other.yaml").toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(yaml(result.out()))
        .containsEntry("name", "other-name")
        .containsEntry("version", "2.0.0");
    assertThat(result.err()).contains("other.yaml is valid");
  }

  @Test
  void validate_withDeprecatedKey_warnsAndSucceeds() throws IOException {
    Files.writeString(
        jobDir.resolve("job.yaml"),
        """
        name: adder
        owner_email: sample@example.com
        lang: python3:latest
        git: {remote: https://github.com/example/adder}
        """);

    CliFixture.Result result = cli.run("validate", jobDir.toString());

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.err())
        .startsWith("warning: manifest key 'lang' is deprecated, use 'jobtype' instead\n");
    assertThat(yaml(result.out()))
        .containsEntry("jobtype", "python3:latest")
        .doesNotContainKey("lang");
  }

  @Test
  void validate_withInvalidManifest_exitsOneNamingKeysAndFile() throws IOException {
    Files.writeString(
        jobDir.resolve("job.yaml"),
        """
        extends: base.yaml
        owner_email: nobody
        git: {remote: "git@github.com:example/adder.git"}
        """);

    CliFixture.Result result = cli.run("validate", jobDir.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .startsWith("error: invalid manifest " + jobDir.resolve("job.yaml") + ": ")
        .contains("owner_email: 'nobody' is not an email address", "git.remote:")
        .doesNotContain("is valid");
  }

  @Test
  void validate_withMissingBase_failsNamingIt() throws IOException {
    Files.writeString(jobDir.resolve("job.yaml"), "extends: nowhere.yaml\n");

    CliFixture.Result result = cli.run("validate", jobDir.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("base manifest 'nowhere.yaml' does not exist");
  }

  @Test
  void validate_withMalformedExtraVar_fails() {
    CliFixture.Result result = cli.run("validate", jobDir.toString(), "-e", "no-equals-sign");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: extra var 'no-equals-sign' must look like key.path=value\n");
  }

  @Test
  void validate_withMissingDirectory_fails() {
    Path missing = dir.resolve("missing");

    CliFixture.Result result = cli.run("validate", missing.toString());

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err())
        .isEqualTo("error: no such job directory or manifest file: " + missing + "\n");
  }

  private static Map<String, Object> yaml(String text) {
    try {
      return Json.yaml().readValue(text, new TypeReference<Map<String, Object>>() {});
    } catch (IOException e) {
      throw new AssertionError("not YAML: " + text, e);
    }
  }
}
