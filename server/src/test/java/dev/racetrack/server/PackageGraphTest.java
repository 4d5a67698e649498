package dev.racetrack.server;

import dev.racetrack.testsupport.PackageGraph;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackageGraphTest {
  @Test
  void packages_formNoCycle_andUseOnlyTheirModules() {
    new PackageGraph(
            "dev.racetrack.server",
            Set.of(
                "dev.racetrack.cli",
                "dev.racetrack.dashboard",
                "dev.racetrack.imagebuilder",
                "dev.racetrack.lifecycle",
                "dev.racetrack.model",
                "dev.racetrack.pub",
                "dev.racetrack.spi",
                "dev.racetrack.tls"))
        .check();
  }
}
