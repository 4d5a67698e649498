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
  static final String NETTY_ALLOCATOR_PROPERTY = "io.netty.allocator.type";

  private JobMain() {}

  public static void main(String[] args) throws IOException {
    lightenNetty();
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

  /**
   * Before the first Netty class: Netty logs through {@link JobLog} instead of starting {@code
   * java.util.logging}, and its default buffer allocator (used by nothing the wrapper serves: the
   * job's port has its own small pool) is the unpooled one instead of the adaptive pool, unless the
   * job's {@code jvm_args} chose one. Each spares the job's JVM classes it would carry all its
   * life.
   */
  static void lightenNetty() {
    NettyLog.install();
    if (System.getProperty(NETTY_ALLOCATOR_PROPERTY) == null) {
      System.setProperty(NETTY_ALLOCATOR_PROPERTY, "unpooled");
    }
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
