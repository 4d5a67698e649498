package dev.racetrack.cli;

import dev.racetrack.model.DeployRequest;
import dev.racetrack.model.Deployment;
import dev.racetrack.model.auth.JobCallSecrets;
import dev.racetrack.model.http.ApiClient;
import dev.racetrack.model.manifest.Manifest;
import java.io.IOException;
import java.io.PrintStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code racetrack run-local}: has the platform build the job's image (§11.3, {@code POST
 * /api/v1/build}; nothing is deployed), then runs it on this machine with the Docker engine until
 * it stops. The job listens on 127.0.0.1 only and answers calls that carry the job-call secret this
 * command makes up and prints (the wrapper refuses the rest, as behind PUB).
 */
@Command(
    name = "run-local",
    description =
        "Build the job in WORKDIR on the platform (as an image, without deploying it) and run it"
            + " here with docker, on 127.0.0.1:PORT, until it stops.")
final class RunLocalCommand implements Callable<Integer> {
  private static final SecureRandom RANDOM = new SecureRandom();

  @ParentCommand RacetrackCli root;

  @Mixin JobSourceOptions source;

  @Option(names = "--port", defaultValue = "7000", description = "Local port (default: 7000).")
  int port;

  @Option(
      names = "--cmd",
      description = "Command to run in the container instead of the image's own.")
  Optional<String> cmd;

  @Override
  public Integer call() throws InterruptedException {
    if (port < 1 || port > 65_535) {
      throw new CliException("--port must be between 1 and 65535, got " + port);
    }
    CliContext context = root.context();
    PrintStream out = context.out();
    JobDirectory job = source.load();
    job.manifest().warnings().forEach(w -> context.err().println("warning: " + w));
    Manifest manifest = job.manifest().manifest();
    String lifecycle = context.remote(source.remote);
    ApiClient api = context.api(lifecycle);
    DeployRequest request =
        JobUpload.request(context, job, lifecycle, source.buildContext, false, List.of());
    out.println("building " + manifest.name() + " v" + manifest.version() + " on " + lifecycle);
    String id = api.post("/api/v1/build", request, DeploymentProgress.Started.class).id();
    Deployment built = new DeploymentProgress(api, out).awaitDone(id);
    String image =
        Optional.ofNullable(built.imageName())
            .filter(i -> !i.isBlank())
            .orElseThrow(() -> new CliException("build " + id + " finished without an image"));
    Docker docker = new Docker(context);
    docker.run(List.of("pull", image), Map.of(), "docker pull " + image, loginHint(image));
    String secret = secret();
    Map<String, String> env = environment(manifest, request, secret);
    out.println(
        "running "
            + image
            + " on http://127.0.0.1:"
            + port
            + "/pub/job/"
            + manifest.name()
            + "/"
            + manifest.version()
            + "/ (Ctrl-C stops it)");
    out.println(
        "call it with: curl -H '"
            + JobCallSecrets.HEADER
            + ": "
            + secret
            + "' -d '{}' http://127.0.0.1:"
            + port
            + "/pub/job/"
            + manifest.name()
            + "/"
            + manifest.version()
            + "/api/v1/perform");
    return docker.run(runArguments(manifest, image, env), env, "docker run " + image, "");
  }

  /**
   * The job's environment: build variables shadowed with empty values, runtime and secret runtime
   * variables, and the platform's reserved ones. Values travel in docker's own environment, never
   * on its command line ({@code -e KEY} takes the value from there).
   */
  private Map<String, String> environment(Manifest manifest, DeployRequest request, String secret) {
    Map<String, String> env = new LinkedHashMap<>();
    manifest.buildEnv().keySet().forEach(k -> env.put(k, ""));
    request.secretVars().buildEnv().keySet().forEach(k -> env.put(k, ""));
    env.putAll(manifest.runtimeEnv());
    env.putAll(request.secretVars().runtimeEnv());
    env.put("JOB_NAME", manifest.name());
    env.put("JOB_VERSION", manifest.version());
    env.put("JOB_DEPLOYMENT_TIMESTAMP", Long.toString(Instant.now().getEpochSecond()));
    env.put("PORT", Integer.toString(port));
    env.put("JOB_HTTP_PORT", Integer.toString(port));
    env.put("JOB_HTTP_ADDR", "127.0.0.1");
    env.put(JobCallSecrets.ENV, secret);
    return env;
  }

  private List<String> runArguments(Manifest manifest, String image, Map<String, String> env) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "run",
                "--rm",
                "--name",
                "local-" + manifest.resourceName(),
                "--network",
                "host",
                "--label",
                "job-name=" + manifest.name(),
                "--label",
                "job-version=" + manifest.version()));
    env.keySet().forEach(k -> args.addAll(List.of("-e", k)));
    // job images start the wrapper from their entrypoint: --cmd replaces it with a shell
    cmd.ifPresent(c -> args.addAll(List.of("--entrypoint", "sh")));
    args.add(image);
    cmd.ifPresent(c -> args.addAll(List.of("-c", c)));
    return args;
  }

  private static String loginHint(String image) {
    String registry = image.contains("/") ? image.substring(0, image.indexOf('/')) : image;
    return "; if the registry wants credentials, log in first: docker login " + registry;
  }

  private static String secret() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /**
   * The docker CLI ({@code RACETRACK_DOCKER}, default {@code docker} on PATH) with inherited
   * output.
   */
  private record Docker(CliContext context) {
    int run(List<String> arguments, Map<String, String> env, String what, String hint)
        throws InterruptedException {
      List<String> command = new ArrayList<>();
      command.add(context.env().getOrDefault("RACETRACK_DOCKER", "docker"));
      command.addAll(arguments);
      ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
      builder.environment().clear();
      builder.environment().putAll(context.env());
      builder.environment().putAll(env);
      try {
        int exit = builder.start().waitFor();
        if (exit != 0 && arguments.getFirst().equals("pull")) {
          throw new CliException(what + " failed (exit " + exit + ")" + hint);
        }
        return exit;
      } catch (IOException e) {
        throw new CliException(
            "run-local needs the docker CLI on PATH (" + what + "): " + e.getMessage());
      }
    }
  }
}
