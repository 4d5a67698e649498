package dev.racetrack.server;

import static dev.racetrack.server.PlatformFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.racetrack.lifecycle.admin.AdminCommands;
import dev.racetrack.lifecycle.admin.AdminContext;
import dev.racetrack.testsupport.Tools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code racetrack admin redeploy-missing} on a running platform: a job the platform has lost (its
 * target forgot it, as after a restore without its state) is rebuilt from its stored build context,
 * the command follows the deployment to its end, and the job answers through PUB again.
 */
class RedeployMissingIT {
  private static final String ADDER =
      """
      class Adder:
          def perform(self, numbers):
              return sum(numbers)
      """;

  @TempDir Path home;

  @Test
  void redeployMissing_bringsALostJobBack_andSaysSo() throws Exception {
    Tools.require("python3");
    Tools.require("bwrap");
    try (PlatformFixture platform = new PlatformFixture(home, Map.of())) {
      Map<String, Object> manifest = new HashMap<>();
      manifest.put("name", "adder");
      manifest.put("owner_email", "dev@example.com");
      manifest.put("jobtype", "python3:latest");
      manifest.put("git", Map.of("remote", "https://example.com/jobs"));
      manifest.put("jobtype_extra", Map.of("entrypoint_path", "adder.py"));
      String id = platform.deploy(manifest, Map.of("adder.py", ADDER), Map.of());
      assertThat(platform.awaitDeployment(id).path("status").asText()).isEqualTo("done");
      assertThat(platform.perform("adder", "latest", "{\"numbers\": [40, 2]}").body())
          .isEqualTo("42");

      // the target forgets the job (as after a restore without its state) and its process goes
      Path jobDir = platform.dataDir().resolve("infrastructure/local/jobs/job-adder-v-0-0-1");
      long pid = json(Files.readString(jobDir.resolve("state.json"))).path("pid").asLong();
      Files.delete(jobDir.resolve("state.json"));
      platform.restart();
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      await().atMost(Duration.ofSeconds(20)).until(() -> status(platform).equals("lost"));

      Run run = run(platform.env(), "redeploy-missing");

      assertThat(run.exit()).as(run.out() + run.err()).isZero();
      assertThat(run.out())
          .contains("redeploying adder v0.0.1 (lost): deployment ")
          .contains("adder v0.0.1 (lost): redeployed");
      assertThat(status(platform)).isEqualTo("running");
      HttpResponse<String> call = platform.perform("adder", "latest", "{\"numbers\": [1, 2]}");
      assertThat(call.statusCode()).as(call.body()).isEqualTo(200);
      assertThat(call.body()).isEqualTo("3");
      assertThat(run(platform.env(), "redeploy-missing").out())
          .contains("No job needs a redeploy.");
    }
  }

  private static String status(PlatformFixture platform) {
    return json(platform.get("/api/v1/job/adder/0.0.1").body()).path("status").asText();
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    AdminContext context =
        new AdminContext(
            env,
            new ByteArrayInputStream(new byte[0]),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    int exit = AdminCommands.commandLine(context).execute(args);
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
