package dev.racetrack.lifecycle.admin;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.lifecycle.LifecycleApp;
import dev.racetrack.lifecycle.LifecycleConfig;
import dev.racetrack.lifecycle.auth.AuthTokenRepository;
import dev.racetrack.lifecycle.auth.InternalTokenRepository;
import dev.racetrack.lifecycle.auth.Jwt;
import dev.racetrack.lifecycle.auth.TokenIssuer;
import dev.racetrack.lifecycle.job.JobRepository;
import dev.racetrack.model.Job;
import dev.racetrack.model.JobStatus;
import dev.racetrack.model.Json;
import dev.racetrack.tls.TlsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code racetrack admin redeploy-missing}: after a restore without the jobs' images or artifacts,
 * the jobs the running platform shows as lost or failed ("glowing red") are rebuilt and deployed
 * again, each from its stored manifest and build context, through lifecycle's redeploy endpoint
 * with an internal token (an hour, or as long as all the redeployments may take) revoked when done.
 * Jobs are redeployed one after the other and each deployment is followed to its end (its phases
 * printed), so the exit code says whether every job came back.
 */
@Command(
    name = "redeploy-missing",
    mixinStandardHelpOptions = true,
    description = {
      "Redeploy every job the running platform reports as lost or in error (after a restore",
      "whose images or artifacts are gone): rebuilt from its stored build context, one after the",
      "other, each followed to its end. Exits 1 if any could not be redeployed."
    })
final class RedeployMissing implements Callable<Integer> {
  private static final Set<JobStatus> MISSING = Set.of(JobStatus.LOST, JobStatus.ERROR);
  private static final Duration POLL = Duration.ofMillis(500);

  @ParentCommand AdminCommands admin;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description =
          "Lifecycle's address (default: http://127.0.0.1:LIFECYCLE_PORT, https:// with"
              + " TLS_CERT_FILE set; TLS_CA_FILE is trusted).")
  String url;

  @Option(
      names = "--timeout-seconds",
      paramLabel = "SECONDS",
      defaultValue = "900",
      description = "How long to wait for each job's deployment (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public Integer call() throws InterruptedException {
    AdminContext context = admin.context();
    if (timeoutSeconds < 1) {
      context.err().println("--timeout-seconds must be at least 1, got " + timeoutSeconds);
      return 2;
    }
    LifecycleConfig config = AdminCommands.config(context);
    TlsConfig tls = TlsConfig.fromEnv(context.env());
    String lifecycle = url != null ? url : tls.scheme() + "://127.0.0.1:" + config.port();
    try (AdminDatabase db = AdminDatabase.open(config.database(), config.dataDir())) {
      Jdbi jdbi = db.database().jdbi();
      List<Job> missing =
          new JobRepository(jdbi, config.externalPubUrl())
              .list().stream().filter(job -> MISSING.contains(job.status())).toList();
      if (missing.isEmpty()) {
        context.out().println("No job needs a redeploy.");
        return 0;
      }
      InternalTokenRepository internal = new InternalTokenRepository(jdbi);
      TokenIssuer.Internal token =
          new TokenIssuer(
                  new Jwt(config.authKey()),
                  new AuthTokenRepository(jdbi, LifecycleApp.secretBox(config)),
                  internal,
                  Clock.systemUTC())
              .internal("redeploy-missing", List.of("full_access"), tokenLifetime(missing.size()));
      int failed = 0;
      try {
        HttpClient http = LifecycleApp.internalHttpClient(tls);
        for (Job job : missing) {
          failed += redeploy(context, http, lifecycle, token.token(), job) ? 0 : 1;
        }
      } finally {
        internal.revoke(token.seed());
      }
      return failed == 0 ? 0 : 1;
    }
  }

  private boolean redeploy(
      AdminContext context, HttpClient http, String lifecycle, String token, Job job)
      throws InterruptedException {
    String path =
        "/api/v1/job/"
            + URLEncoder.encode(job.name(), StandardCharsets.UTF_8)
            + "/"
            + URLEncoder.encode(job.version(), StandardCharsets.UTF_8)
            + "/redeploy";
    String what =
        job.name()
            + " v"
            + job.version()
            + " ("
            + job.status().name().toLowerCase(java.util.Locale.ROOT)
            + ")";
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(lifecycle + path))
                  .header("X-Racetrack-Auth", token)
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() / 100 != 2) {
        context
            .err()
            .println(
                "cannot redeploy " + what + ": " + response.statusCode() + " " + response.body());
        return false;
      }
      String id = Json.mapper().readTree(response.body()).path("id").asText("");
      context.out().println("redeploying " + what + ": deployment " + id);
      return follow(context, http, lifecycle, token, what, id);
    } catch (IOException e) {
      context.err().println("cannot reach lifecycle at " + lifecycle + ": " + e.getMessage());
    }
    return false;
  }

  /** Long enough for every redeployment to take its whole time limit; at least an hour. */
  private Duration tokenLifetime(int jobs) {
    Duration all = Duration.ofSeconds(timeoutSeconds + 60).multipliedBy(jobs);
    return all.compareTo(Duration.ofHours(1)) > 0 ? all : Duration.ofHours(1);
  }

  /** Polls the deployment until it ends (or the time is up), printing each new phase. */
  private boolean follow(
      AdminContext context, HttpClient http, String lifecycle, String token, String what, String id)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    String phase = "";
    while (true) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          lifecycle
                              + "/api/v1/deploy/"
                              + URLEncoder.encode(id, StandardCharsets.UTF_8)))
                  .header("X-Racetrack-Auth", token)
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        context
            .err()
            .println(
                "cannot follow the deployment of "
                    + what
                    + ": "
                    + response.statusCode()
                    + " "
                    + response.body());
        return false;
      }
      JsonNode deployment = Json.mapper().readTree(response.body());
      String current = deployment.path("phase").asText("");
      if (!current.isEmpty() && !current.equals(phase)) {
        context.out().println("  " + current);
        phase = current;
      }
      String status = deployment.path("status").asText("");
      if (status.equals("done")) {
        context.out().println(what + ": redeployed");
        return true;
      }
      if (!status.equals("in_progress")) {
        context
            .err()
            .println(
                what + ": redeployment " + status + ": " + deployment.path("error").asText(""));
        return false;
      }
      if (System.nanoTime() > deadline) {
        context
            .err()
            .println(
                what
                    + ": still deploying after "
                    + timeoutSeconds
                    + " s (deployment "
                    + id
                    + "); not waiting any longer");
        return false;
      }
      Thread.sleep(POLL.toMillis());
    }
  }
}
