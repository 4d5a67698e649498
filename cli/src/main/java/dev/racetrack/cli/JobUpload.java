package dev.racetrack.cli;

import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.archive.BuildContext;
import dev.racetrack.model.manifest.Manifest;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * What {@code deploy} and {@code run-local} send: the manifest, the secret env files' variables,
 * and either the job directory packed (respecting .gitignore) or the stored git credentials for
 * {@code git.remote}.
 */
final class JobUpload {
  private JobUpload() {}

  /**
   * The request for the job in {@code job}.
   *
   * @param buildContext {@code local}, {@code git} or {@code auto} (local when the remote is on
   *     this machine)
   */
  static DeployRequest request(
      CliContext context,
      JobDirectory job,
      String lifecycle,
      String buildContext,
      boolean force,
      List<String> buildFlags) {
    Manifest manifest = job.manifest().manifest();
    DeployRequest.SecretVars secrets =
        new DeployRequest.SecretVars(
            job.secretEnv(
                Optional.ofNullable(manifest.secretBuildEnvFile()), "secret_build_env_file"),
            job.secretEnv(
                Optional.ofNullable(manifest.secretRuntimeEnvFile()), "secret_runtime_env_file"));
    String context64 = useLocalContext(buildContext, lifecycle) ? pack(job, context.out()) : null;
    return new DeployRequest(
        manifest.toMap(),
        context64 == null
            ? context.config().gitCredentials(manifest.git().remote()).orElse(null)
            : null,
        secrets,
        context64,
        force,
        buildFlags);
  }

  private static boolean useLocalContext(String buildContext, String lifecycle) {
    return switch (buildContext) {
      case "local" -> true;
      case "git" -> false;
      case "auto" -> isLoopback(URI.create(lifecycle).getHost());
      default ->
          throw new CliException(
              "--build-context must be local, git or auto, got '" + buildContext + "'");
    };
  }

  static boolean isLoopback(String host) {
    try {
      return host != null && InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /**
   * Packs the job directory, leaving out what .gitignore excludes and the secret env files the
   * manifest names (they travel as secrets, never inside the build context).
   */
  private static String pack(JobDirectory job, PrintStream out) {
    Gitignore gitignore = Gitignore.load(job.dir());
    Manifest manifest = job.manifest().manifest();
    Set<Path> secretFiles =
        Stream.of(manifest.secretBuildEnvFile(), manifest.secretRuntimeEnvFile())
            .filter(Objects::nonNull)
            .map(f -> job.dir().relativize(job.dir().resolve(f).normalize()))
            .collect(Collectors.toSet());
    byte[] archive =
        BuildContext.pack(
            job.dir(),
            path -> !secretFiles.contains(path.normalize()) && job.includes(gitignore, path));
    out.printf(
        Locale.ROOT,
        "packed %s (%.1f KiB, .gitignore respected)%n",
        job.dir(),
        archive.length / 1024.0);
    return Base64.getEncoder().encodeToString(archive);
  }
}
