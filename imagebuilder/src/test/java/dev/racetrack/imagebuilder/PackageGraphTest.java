package dev.racetrack.imagebuilder;

import dev.racetrack.testsupport.PackageGraph;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackageGraphTest {
  @Test
  void packages_formNoCycle_andUseOnlyTheirModules() {
    new PackageGraph(
            "dev.racetrack.imagebuilder",
            Set.of(
                "dev.racetrack.docker",
                "dev.racetrack.http",
                "dev.racetrack.model",
                "dev.racetrack.spi",
                "dev.racetrack.tls"))
        .check();
  }
}
