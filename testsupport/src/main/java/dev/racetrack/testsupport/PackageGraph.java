package dev.racetrack.testsupport;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The package graph of one module, held by its {@code PackageGraphTest} (ArchUnit): no cycle
 * between the module's packages (its root package included), and no use of another platform module
 * beyond the ones the module is meant to build on.
 *
 * @param root the module's root package, e.g. {@code dev.racetrack.lifecycle}
 * @param allowedModules the root packages of the platform modules it may use, e.g. {@code
 *     dev.racetrack.model}
 */
public record PackageGraph(String root, Set<String> allowedModules) {
  private static final String PLATFORM = "dev.racetrack.";

  /** The module's main classes (test classes left out). */
  public JavaClasses mainClasses() {
    return new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(root);
  }

  /** Checks both rules on the module's main classes; fails naming every offending dependency. */
  public void check() {
    check(mainClasses());
  }

  /** Checks both rules on the given classes (fixtures in this module's own tests). */
  public void check(JavaClasses classes) {
    if (classes.stream().noneMatch(this::inModule)) {
      throw new AssertionError("no classes found under " + root + ": is the package name right?");
    }
    slices()
        .assignedFrom(byPackage())
        .should()
        .beFreeOfCycles()
        .as("the packages of " + root + " form no cycle")
        .check(classes);
    List<String> allowed = new ArrayList<>(allowedModules);
    allowed.add(root);
    noClasses()
        .that()
        .resideInAPackage(root + "..")
        .should()
        .dependOnClassesThat(
            com.tngtech.archunit.base.DescribedPredicate.describe(
                "belong to a platform module other than " + allowed,
                (JavaClass target) ->
                    target.getPackageName().startsWith(PLATFORM)
                        && allowed.stream().noneMatch(m -> inside(target.getPackageName(), m))))
        .as(root + " uses no platform module but " + allowedModules)
        .check(classes);
  }

  private boolean inModule(JavaClass c) {
    return inside(c.getPackageName(), root);
  }

  private static boolean inside(String pkg, String module) {
    return pkg.equals(module) || pkg.startsWith(module + ".");
  }

  private SliceAssignment byPackage() {
    return new SliceAssignment() {
      @Override
      public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
        return inModule(javaClass)
            ? SliceIdentifier.of(javaClass.getPackageName())
            : SliceIdentifier.ignore();
      }

      @Override
      public String getDescription() {
        return "the packages of " + root;
      }
    };
  }
}
