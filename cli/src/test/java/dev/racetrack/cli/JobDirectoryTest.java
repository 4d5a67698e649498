package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.racetrack.model.error.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobDirectoryTest {
  @TempDir Path dir;

  private static Map<String, String> parse(String... lines) {
    return JobDirectory.parseEnvFile(List.of(lines), "test.env");
  }

  @Test
  void parseEnvFile_withCommentsAndBlankLines_skipsThem() {
    assertThat(parse("# comment", "", "   ", "  # indented comment", "A=1"))
        .containsExactly(entry("A", "1"));
  }

  @Test
  void parseEnvFile_withExportPrefix_dropsIt() {
    assertThat(parse("export TOKEN=abc", "exported=1"))
        .containsExactly(entry("TOKEN", "abc"), entry("exported", "1"));
  }

  @Test
  void parseEnvFile_withQuotes_stripsMatchingSurroundingQuotesOnly() {
    assertThat(
            parse(
                "DOUBLE=\"two words\"",
                "SINGLE='it is'",
                "INNER=a\"b\"c",
                "MISMATCHED=\"open'",
                "LONE=\"",
                "EMPTY_QUOTED=\"\""))
        .containsExactly(
            entry("DOUBLE", "two words"),
            entry("SINGLE", "it is"),
            entry("INNER", "a\"b\"c"),
            entry("MISMATCHED", "\"open'"),
            entry("LONE", "\""),
            entry("EMPTY_QUOTED", ""));
  }

  @Test
  void parseEnvFile_withSpacesAndEqualsInValue_keepsValueAfterFirstEquals() {
    assertThat(parse("  KEY = value  ", "URL=postgres://u:p@h/db?a=b", "EMPTY="))
        .containsExactly(
            entry("KEY", "value"), entry("URL", "postgres://u:p@h/db?a=b"), entry("EMPTY", ""));
  }

  @Test
  void parseEnvFile_keepsKeyCaseAndLastValueOfRepeatedKey() {
    assertThat(parse("key=1", "Key=2", "key=3"))
        .containsExactly(entry("key", "3"), entry("Key", "2"));
  }

  @Test
  void parseEnvFile_withLineWithoutEquals_failsNamingFileAndLine() {
    assertThatThrownBy(() -> parse("A=1", "# fine", "NOT_A_VARIABLE"))
        .isInstanceOf(CliException.class)
        .hasMessage("test.env:3: expected KEY=VALUE");
  }

  @Test
  void parseEnvFile_withEmptyKey_failsNamingFileAndLine() {
    assertThatThrownBy(() -> parse("=value"))
        .isInstanceOf(CliException.class)
        .hasMessage("test.env:1: expected KEY=VALUE");
  }

  @Test
  void secretEnv_withRelativeFile_readsItFromJobDirectory() throws IOException {
    JobDirectory job = jobWith("");
    Files.createDirectories(dir.resolve("secrets"));
    Files.writeString(dir.resolve("secrets/build.env"), "PIP_TOKEN='t'\n");

    assertThat(job.secretEnv(Optional.of("secrets/build.env"), "secret_build_env_file"))
        .containsExactly(entry("PIP_TOKEN", "t"));
    assertThat(job.secretEnv(Optional.empty(), "secret_build_env_file")).isEmpty();
  }

  @Test
  void secretEnv_withMissingFile_failsNamingFieldAndPath() throws IOException {
    JobDirectory job = jobWith("");

    assertThatThrownBy(() -> job.secretEnv(Optional.of("nope.env"), "secret_runtime_env_file"))
        .isInstanceOf(CliException.class)
        .hasMessage(
            "secret_runtime_env_file 'nope.env' does not exist (" + dir.resolve("nope.env") + ")");
  }

  @Test
  void load_withDirectory_findsManifestAndAppliesExtraVars() throws IOException {
    JobDirectory job = jobWith("version: 1.0.0\nruntime_env: {MODE: slow, LEVEL: '1'}\n");

    JobDirectory loaded = JobDirectory.load(dir, List.of("version=2.0.0", "runtime_env.MODE=fast"));

    assertThat(loaded.dir()).isEqualTo(dir.toAbsolutePath());
    assertThat(loaded.manifestFile()).isEqualTo(dir.resolve("job.yaml"));
    assertThat(loaded.manifest().manifest().version()).isEqualTo("2.0.0");
    assertThat(loaded.manifest().manifest().runtimeEnv())
        .isEqualTo(Map.of("MODE", "fast", "LEVEL", "1"));
    assertThat(job.manifest().manifest().version()).isEqualTo("1.0.0");
  }

  @Test
  void load_withLegacyManifestName_warns() throws IOException {
    Files.writeString(dir.resolve("fatman.yaml"), manifest(""));

    JobDirectory job = JobDirectory.load(dir, List.of());

    assertThat(job.manifest().warnings()).anyMatch(w -> w.contains("fatman.yaml is deprecated"));
  }

  @Test
  void load_withInvalidManifest_failsNamingKeyAndFile() throws IOException {
    Files.writeString(dir.resolve("job.yaml"), manifest("replicas: zero\n"));

    assertThatThrownBy(() -> JobDirectory.load(dir, List.of()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("invalid manifest " + dir.resolve("job.yaml"))
        .hasMessageContaining("replicas");
  }

  @Test
  void includes_withGitignore_excludesIgnoredDirectoriesButNotSameNamedFiles() throws IOException {
    JobDirectory job = jobWith("");
    Files.createDirectories(dir.resolve("build"));
    Files.createDirectories(dir.resolve("src"));
    Files.writeString(dir.resolve("src/build"), "a file");
    Gitignore gitignore = Gitignore.of("", List.of("build/"));

    assertThat(job.includes(gitignore, Path.of("build"))).isFalse();
    assertThat(job.includes(gitignore, Path.of("src/build"))).isTrue();
    assertThat(job.includes(gitignore, Path.of("job.yaml"))).isTrue();
  }

  private JobDirectory jobWith(String extra) throws IOException {
    Files.writeString(dir.resolve("job.yaml"), manifest(extra));
    return JobDirectory.load(dir, List.of());
  }

  private static String manifest(String extra) {
    return """
        name: adder
        owner_email: sample@example.com
        jobtype: python3:latest
        git: {remote: https://github.com/example/adder}
        """
        + extra;
  }
}
