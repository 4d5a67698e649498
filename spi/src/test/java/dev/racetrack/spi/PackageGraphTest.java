package dev.racetrack.spi;

import dev.racetrack.testsupport.PackageGraph;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackageGraphTest {
  @Test
  void packages_formNoCycle_andUseOnlyTheirModules() {
    new PackageGraph("dev.racetrack.spi", Set.of("dev.racetrack.model")).check();
  }
}
