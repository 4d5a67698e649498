package dev.racetrack.imagebuilder;

import dev.racetrack.model.DeployRequest.GitCredentials;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.BuildException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

/**
 * Brings a job's source into a workspace: from an uploaded build context (checked for unsafe
 * entries) or a shallow clone of its git remote (JGit; branch, credentials). Returns the job
 * directory ({@code git.directory}) inside the workspace.
 */
final class SourceFetcher {
  private final BuildContext.Limits limits;

  SourceFetcher(BuildContext.Limits limits) {
    this.limits = limits;
  }

  /** What was fetched: the job directory and a description of the revision. */
  record Fetched(Path jobDir, String revision) {}

  Fetched fromUpload(String base64, Path workspace, Manifest manifest) {
    BuildContext.extract(BuildContext.decode(base64, limits), workspace, limits);
    // A build context is the job directory itself, already (the client packs git.directory).
    return new Fetched(workspace, "uploaded build context");
  }

  /** From a decoded upload (a .tar.gz file), read as a stream. */
  Fetched fromUpload(Path targz, Path workspace) {
    BuildContext.extract(targz, workspace, limits);
    return new Fetched(workspace, "uploaded build context");
  }

  Fetched fromGit(Manifest manifest, Optional<GitCredentials> credentials, Path workspace) {
    Manifest.Git git = manifest.git();
    inside(workspace.toAbsolutePath().normalize(), git); // before cloning anything
    var clone =
        Git.cloneRepository()
            .setURI(git.remote())
            .setDirectory(workspace.toFile())
            .setDepth(1)
            .setCloneAllBranches(false)
            .setTimeout(300);
    if (git.branch() != null) {
      clone.setBranch(git.branch());
    }
    credentials.ifPresent(
        c ->
            clone.setCredentialsProvider(
                new UsernamePasswordCredentialsProvider(c.username(), c.password())));
    String revision;
    try (Git repo = clone.call()) {
      Repository repository = repo.getRepository();
      var head = repository.resolve("HEAD");
      if (head == null) {
        throw new BuildException(
            "git repository "
                + git.remote()
                + " has no commits"
                + (git.branch() == null ? "" : " on branch " + git.branch()));
      }
      revision =
          "git "
              + head.abbreviate(10).name()
              + (git.branch() == null ? "" : " (" + git.branch() + ")");
    } catch (TransportException e) {
      throw new BuildException(
          "cannot clone "
              + git.remote()
              + ": "
              + e.getMessage()
              + (credentials.isEmpty()
                  ? " (no git credentials were given for this repository)"
                  : " (check the git credentials)"),
          e);
    } catch (GitAPIException | IOException e) {
      throw new BuildException("cannot clone " + git.remote() + ": " + e.getMessage(), e);
    }
    return new Fetched(jobDir(workspace, git), revision);
  }

  /** {@code git.directory} under {@code checkout}, by name; refused when it leads out. */
  private static Path inside(Path checkout, Manifest.Git git) {
    Path jobDir = checkout.resolve(git.directory()).normalize();
    if (Path.of(git.directory()).isAbsolute() || !jobDir.startsWith(checkout)) {
      throw new ValidationException(
          "git.directory '" + git.directory() + "' points outside the checkout of " + git.remote());
    }
    return jobDir;
  }

  /**
   * The job directory of a checkout: {@code git.directory} inside it, reached through no link that
   * leads out of it. Links anywhere in the checkout must stay inside it, as in an upload.
   */
  private static Path jobDir(Path workspace, Manifest.Git git) {
    Path checkout = workspace.toAbsolutePath().normalize();
    Path jobDir = inside(checkout, git);
    BuildContext.requireLinksInside(checkout, "git checkout file", "checkout");
    if (!Files.isDirectory(jobDir)) {
      throw new ValidationException(
          "git.directory '" + git.directory() + "' does not exist in " + git.remote());
    }
    return jobDir;
  }
}
