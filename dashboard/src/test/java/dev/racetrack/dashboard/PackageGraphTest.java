package dev.racetrack.dashboard;

import dev.racetrack.testsupport.PackageGraph;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackageGraphTest {
  @Test
  void packages_formNoCycle_andUseOnlyTheirModules() {
    new PackageGraph(
            "dev.racetrack.dashboard",
            Set.of("dev.racetrack.http", "dev.racetrack.model", "dev.racetrack.tls"))
        .check();
  }
}
