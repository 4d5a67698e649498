package dev.racetrack.imagebuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Git checkouts: links and {@code git.directory} stay inside the checkout. */
class SourceFetcherTest {
  @TempDir Path tmp;

  private final SourceFetcher fetcher = new SourceFetcher(BuildContext.Limits.DEFAULT);

  @Test
  void fromGit_innerLinks_areKept() throws Exception {
    Path repo = repo(Map.of("job/requirements.txt", "real.txt"));

    SourceFetcher.Fetched fetched =
        fetcher.fromGit(manifest(repo, "job"), Optional.empty(), tmp.resolve("ws"));

    assertThat(fetched.jobDir()).isEqualTo(tmp.resolve("ws/job").toAbsolutePath());
    assertThat(fetched.jobDir().resolve("requirements.txt")).hasContent("real");
  }

  @Test
  void fromGit_checkoutWithALinkLeadingOutside_isRefused() throws Exception {
    Path host = Files.writeString(tmp.resolve("host-secret.txt"), "host secret");
    // ws/job/requirements.txt -> ../../host-secret.txt, i.e. tmp/host-secret.txt
    Path repo = repo(Map.of("job/requirements.txt", "../../host-secret.txt"));
    assertThat(host).exists();

    assertThatThrownBy(
            () -> fetcher.fromGit(manifest(repo, "job"), Optional.empty(), tmp.resolve("ws")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "git checkout file 'job/requirements.txt' is a link to '../../host-secret.txt',"
                + " which resolves outside the checkout");
  }

  @Test
  void fromGit_directoryThroughALinkLeadingOutside_isRefused() throws Exception {
    Files.createDirectories(tmp.resolve("elsewhere"));
    Path repo = repo(Map.of("job", "../elsewhere"));

    assertThatThrownBy(
            () -> fetcher.fromGit(manifest(repo, "job"), Optional.empty(), tmp.resolve("ws")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("'job' is a link to '../elsewhere'");
  }

  @Test
  void fromGit_directoryWithParentSegments_isRefused_namingTheField() throws Exception {
    Path repo = repo(Map.of());
    Manifest valid = manifest(repo, ".");
    Manifest escaping = withDirectory(valid, "../..");

    assertThatThrownBy(() -> fetcher.fromGit(escaping, Optional.empty(), tmp.resolve("ws")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("git.directory '../..' points outside the checkout");
    assertThat(tmp.resolve("ws")).doesNotExist();
    assertThatThrownBy(
            () -> validator().validate(manifestMap(repo, "../.."), "manifest").manifest())
        .hasMessageContaining("git.directory");
  }

  /** A repository with job/real.txt and the given symbolic links (path: link text). */
  private Path repo(Map<String, String> links) throws Exception {
    Path repo = Files.createDirectories(tmp.resolve("repo"));
    Files.createDirectories(repo.resolve("job"));
    Files.writeString(repo.resolve("job/real.txt"), "real");
    for (Map.Entry<String, String> link : links.entrySet()) {
      Path at = repo.resolve(link.getKey());
      if (Files.isDirectory(at)) {
        Files.move(at, repo.resolve("moved-" + at.getFileName()));
      }
      Files.createSymbolicLink(at, Path.of(link.getValue()));
    }
    try (Git git = Git.init().setDirectory(repo.toFile()).call()) {
      git.add().addFilepattern(".").call();
      git.commit()
          .setMessage("x")
          .setAuthor("t", "t@example.com")
          .setCommitter("t", "t@example.com")
          .call();
    }
    return repo;
  }

  private static ManifestValidator validator() {
    return new ManifestValidator(Set.of("file"));
  }

  private static Map<String, Object> manifestMap(Path repo, String directory) {
    return Map.of(
        "name", "built",
        "owner_email", "a@example.com",
        "jobtype", "python3:latest",
        "git", Map.of("remote", repo.toUri().toString(), "directory", directory),
        "jobtype_extra", Map.of("entrypoint_path", "job.py"));
  }

  private static Manifest manifest(Path repo, String directory) {
    return validator().validate(manifestMap(repo, directory), "manifest").manifest();
  }

  /** The manifest with another git.directory, unchecked (as if the validator were bypassed). */
  private static Manifest withDirectory(Manifest m, String directory) {
    return new Manifest(
        m.name(),
        m.ownerEmail(),
        new Manifest.Git(m.git().remote(), m.git().branch(), directory),
        m.version(),
        m.jobtype(),
        m.imageType(),
        m.systemDependencies(),
        m.buildEnv(),
        m.runtimeEnv(),
        m.secretBuildEnvFile(),
        m.secretRuntimeEnvFile(),
        m.labels(),
        m.publicEndpoints(),
        m.replicas(),
        m.resources(),
        m.jobtypeExtra(),
        m.infrastructureTarget(),
        m.callTimeout());
  }
}
