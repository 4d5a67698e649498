package dev.racetrack.kubernetes;

import dev.racetrack.testsupport.PackageGraph;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackageGraphTest {
  @Test
  void packages_formNoCycle_andUseOnlyTheirModules() {
    new PackageGraph("dev.racetrack.kubernetes", Set.of("dev.racetrack.model", "dev.racetrack.spi"))
        .check();
  }
}
