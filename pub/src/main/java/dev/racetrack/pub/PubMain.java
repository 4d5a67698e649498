package dev.racetrack.pub;

import dev.racetrack.model.StopSignals;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.model.error.ValidationException;
import dev.racetrack.pub.async.AsyncConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Runs PUB as its own process. */
public final class PubMain {
  private PubMain() {}

  public static void main(String[] args) throws InterruptedException {
    String version =
        Optional.ofNullable(PubMain.class.getPackage().getImplementationVersion()).orElse("dev");
    EnvReader env = new EnvReader(System.getenv());
    String token =
        env.optional("INTERNAL_TOKEN")
            .orElseThrow(
                () ->
                    new ValidationException(
                        "environment variable INTERNAL_TOKEN must be set (the secret lifecycle presents)"));
    String jobCallKey =
        env.optional("JOB_CALL_KEY")
            .orElseThrow(
                () ->
                    new ValidationException(
                        "environment variable JOB_CALL_KEY must be set (the key lifecycle derives"
                            + " the jobs' call secrets from: its data directory's keys/job_call_key)"));
    Duration drain = PubConfig.shutdownDrain(System.getenv());
    PubServer pub =
        PubServer.start(
            PubConfig.fromEnv(System.getenv(), token, jobCallKey),
            AsyncConfig.fromEnv(System.getenv()),
            Clock.systemUTC(),
            version);
    StopSignals stopped =
        StopSignals.install(
            "PUB",
            System.out,
            () -> pub.close(drain)); // no new calls; the ones in flight finish, up to the limit
    stopped.await();
  }
}
