package dev.racetrack.testsupport;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PackageGraphTest {
  private static final String FIXTURES = "dev.racetrack.testsupport.graphfixture";

  @Test
  void check_whenTwoPackagesUseEachOther_failsNamingTheCycle() {
    String root = FIXTURES + ".cycle";
    assertThatThrownBy(
            () ->
                new PackageGraph(root, Set.of())
                    .check(new ClassFileImporter().importPackages(root)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("cycle")
        .hasMessageContaining(root + ".a")
        .hasMessageContaining(root + ".b");
  }

  @Test
  void check_whenAClassUsesAModuleNotAllowed_failsNamingIt() {
    String root = FIXTURES + ".foreign";
    assertThatThrownBy(
            () ->
                new PackageGraph(root, Set.of())
                    .check(new ClassFileImporter().importPackages(root)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("dev.racetrack.model.Json");
  }

  @Test
  void check_whenTheModuleIsAllowedAndPackagesAreLayered_passes() {
    String foreign = FIXTURES + ".foreign";
    assertThatCode(
            () ->
                new PackageGraph(foreign, Set.of("dev.racetrack.model"))
                    .check(new ClassFileImporter().importPackages(foreign)))
        .doesNotThrowAnyException();
    String clean = FIXTURES + ".clean";
    assertThatCode(
            () ->
                new PackageGraph(clean, Set.of())
                    .check(new ClassFileImporter().importPackages(clean)))
        .doesNotThrowAnyException();
  }

  @Test
  void check_whenNoClassIsFound_failsInsteadOfPassingEmpty() {
    assertThatThrownBy(() -> new PackageGraph("dev.racetrack.nosuchmodule", Set.of()).check())
        .hasMessageContaining("no classes found under dev.racetrack.nosuchmodule");
  }
}
