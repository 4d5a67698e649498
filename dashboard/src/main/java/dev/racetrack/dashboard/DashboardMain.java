package dev.racetrack.dashboard;

import dev.racetrack.dashboard.config.DashboardConfig;
import dev.racetrack.model.StopSignals;
import java.time.Clock;

/** Runs the dashboard on its own: {@code java -cp ... dev.racetrack.dashboard.DashboardMain}. */
public final class DashboardMain {
  private DashboardMain() {}

  public static void main(String[] args) throws InterruptedException {
    DashboardConfig config = DashboardConfig.fromEnv(System.getenv());
    DashboardApp app = DashboardApp.start(config, Clock.systemUTC());
    StopSignals stopped = StopSignals.install("dashboard", System.out, () -> app.close());
    stopped.await();
  }
}
