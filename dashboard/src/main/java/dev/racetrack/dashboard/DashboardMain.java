package dev.racetrack.dashboard;

import dev.racetrack.dashboard.config.DashboardConfig;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** Runs the dashboard on its own: {@code java -cp ... dev.racetrack.dashboard.DashboardMain}. */
public final class DashboardMain {
  private DashboardMain() {}

  public static void main(String[] args) throws InterruptedException {
    DashboardConfig config = DashboardConfig.fromEnv(System.getenv());
    DashboardApp app = DashboardApp.start(config, Clock.systemUTC());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  app.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
