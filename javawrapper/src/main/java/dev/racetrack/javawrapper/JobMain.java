package dev.racetrack.javawrapper;

import java.io.IOException;
import java.time.Duration;

/**
 * Entry point of a java job's container: {@code java -cp <job>:<wrapper>
 * dev.racetrack.javawrapper.JobMain com.example.Adder}. Reads the environment, configures
 * job-to-job calls and starts the {@link JobServer}; SIGTERM stops it with a few seconds' grace.
 */
public final class JobMain {
  static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);

  private JobMain() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 1 || args[0].isBlank()) {
      System.err.println("usage: java dev.racetrack.javawrapper.JobMain <entrypoint class name>");
      System.exit(2);
    }
    JobConfig config;
    try {
      config = JobConfig.fromEnv(System.getenv());
    } catch (JobConfigException e) {
      System.err.println("invalid configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    run(config, args[0]);
  }

  static JobServer run(JobConfig config, String entrypointClass) throws IOException {
    JobLog.info("starting " + entrypointClass + " with " + config);
    JobCalls.configure(config.calls());
    JobServer server = JobServer.start(config, () -> Entrypoint.load(entrypointClass));
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> server.stop(SHUTDOWN_GRACE), "job-shutdown"));
    return server;
  }
}
