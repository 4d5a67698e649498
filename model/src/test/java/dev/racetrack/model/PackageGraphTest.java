package dev.racetrack.model;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

/**
 * The model's package graph (the other modules' tests use testsupport's {@code PackageGraph}, which
 * the model cannot depend on): no cycle between its packages, root package included, and no other
 * platform module.
 */
class PackageGraphTest {
  private static final JavaClasses MAIN =
      new ClassFileImporter()
          .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
          .importPackages("dev.racetrack.model");

  @Test
  void packages_formNoCycle() {
    slices()
        .assignedFrom(
            new SliceAssignment() {
              @Override
              public SliceIdentifier getIdentifierOf(JavaClass c) {
                return c.getPackageName().startsWith("dev.racetrack.model")
                    ? SliceIdentifier.of(c.getPackageName())
                    : SliceIdentifier.ignore();
              }

              @Override
              public String getDescription() {
                return "the packages of dev.racetrack.model";
              }
            })
        .should()
        .beFreeOfCycles()
        .check(MAIN);
  }

  @Test
  void model_usesNoOtherPlatformModule() {
    noClasses()
        .that()
        .resideInAPackage("dev.racetrack.model..")
        .should()
        .dependOnClassesThat(
            resideInAPackage("dev.racetrack..")
                .and(
                    com.tngtech.archunit.base.DescribedPredicate.not(
                        resideInAPackage("dev.racetrack.model.."))))
        .check(MAIN);
  }
}
