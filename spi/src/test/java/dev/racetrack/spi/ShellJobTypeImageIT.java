package dev.racetrack.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.model.manifest.ManifestFiles;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.testsupport.Containers;
import dev.racetrack.testsupport.PluginBundleFixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The declarative shell job type sample builds a real image with the Docker engine (classic
 * builder) from its rendered context, and the image answers a perform call (run with no network:
 * the wrapper and the call meet on the container's own loopback, so no host port is taken).
 */
class ShellJobTypeImageIT {
  @TempDir Path tmp;
  private final List<String> images = new ArrayList<>();
  private Containers containers;

  private record Result(int exit, String output) {}

  private Result docker(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("docker"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().put("DOCKER_HOST", containers.dockerHost());
    builder.environment().put("DOCKER_BUILDKIT", "0");
    builder.environment().put("DOCKER_CONFIG", tmp.resolve("docker-config").toString());
    Process process = builder.start();
    if (args[0].equals("login")) {
      process
          .getOutputStream()
          .write(containers.registryPassword().getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
    return new Result(process.exitValue(), output);
  }

  @AfterEach
  void removeImages() throws Exception {
    for (String image : images) {
      docker("rmi", "-f", image);
    }
  }

  @Test
  void shellSample_buildsAnImageThatPerforms() throws Exception {
    containers = Containers.require();
    PluginStore store =
        new PluginStore(tmp.resolve("plugins"), PluginBundle.Limits.standard(), Clock.systemUTC());
    store.install(
        PluginBundleFixture.directory(tmp, Path.of("../samples/plugins/shell-job-type"))
            .zip("shell.zip"),
        false);
    TemplateJobType shell =
        (TemplateJobType)
            store
                .load(Set.of("image-builder"), getClass().getClassLoader())
                .getFirst()
                .jobTypes()
                .getFirst();
    Map<String, Object> raw =
        ManifestFiles.read(Path.of("../samples/shell-hello/job.yaml")).content();
    Manifest manifest = new ManifestValidator().validate(raw, "job.yaml").manifest();
    Path context = tmp.resolve("ctx");
    Path dockerfile =
        shell
            .renderBuildContext(
                manifest,
                Path.of("../samples/shell-hello"),
                context,
                new TemplateJobType.Values("tar", "test"))
            .getFirst();
    String registryHost = containers.registry();
    assertThat(
            docker("login", "-u", containers.registryUser(), "--password-stdin", registryHost)
                .exit())
        .isZero();
    String image = "plugins-it/shell-hello:" + UUID.randomUUID().toString().substring(0, 8);
    images.add(image);

    Result build = docker("build", "-f", dockerfile.toString(), "-t", image, context.toString());
    assertThat(build.exit()).as(build.output()).isZero();

    String call =
        "python3 /src/wrapper.py & "
            + "python3 -c \"import time,urllib.request\n"
            + "for i in range(100):\n"
            + "  try:\n"
            + "    r=urllib.request.urlopen(urllib.request.Request('http://127.0.0.1:7000/pub/job/shell-hello/0.0.1/api/v1/perform', data=b'\\\"world\\\"\\n', headers={'X-Racetrack-Job-Secret': 'sample-secret'}))\n"
            + "    print(r.read().decode()); break\n"
            + "  except OSError: time.sleep(0.1)\n\"";
    Result run =
        docker(
            "run",
            "--rm",
            "--network",
            "none",
            "-e",
            "JOB_NAME=shell-hello",
            "-e",
            "RACETRACK_JOB_CALL_SECRET=sample-secret",
            image,
            "sh",
            "-c",
            call);
    assertThat(run.exit()).as(run.output()).isZero();
    assertThat(run.output()).contains("{\"hello\": \"world\"}");
  }
}
