package dev.racetrack.lifecycle;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import dev.racetrack.testsupport.PackageGraph;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;

class PackageGraphTest {
  private static final PackageGraph GRAPH =
      new PackageGraph(
          "dev.racetrack.lifecycle",
          Set.of(
              "dev.racetrack.http",
              "dev.racetrack.model",
              "dev.racetrack.spi",
              "dev.racetrack.tls"));

  private static final Set<String> STATEMENTS =
      Set.of(
          "createQuery",
          "createUpdate",
          "prepareBatch",
          "execute",
          "select",
          "createScript",
          "createCall");

  @Test
  void packages_formNoCycle_andUseOnlyTheirModules() {
    GRAPH.check();
  }

  @Test
  void sql_isWrittenOnlyInRepositories() {
    sqlOnlyInRepositories().check(GRAPH.mainClasses());
  }

  @Test
  void sqlRule_findsRunsSqlItself() {
    assertThatThrownBy(
            () ->
                sqlOnlyInRepositories()
                    .check(new ClassFileImporter().importClasses(RunsSqlItself.class)))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(RunsSqlItself.class.getName());
  }

  /** A class that runs SQL without being a repository, for the rule to find. */
  static final class RunsSqlItself {
    int count(Handle h) {
      return h.createQuery("SELECT 1").mapTo(Integer.class).one();
    }
  }

  /**
   * Records that still bundle a class's collaborators ({@code *Parts}); the list may only shrink.
   * The deploy path (Deployments, DeploymentPipeline, JobRemoval) has none any more.
   */
  private static final Set<String> PARTS_NOT_YET_SPLIT =
      Set.of(
          "dev.racetrack.lifecycle.auth.Accounts$Parts",
          "dev.racetrack.lifecycle.esc.Escs$Parts",
          "dev.racetrack.lifecycle.permission.Permissions$Parts",
          "dev.racetrack.lifecycle.plugin.PluginLibrary$Parts",
          "dev.racetrack.lifecycle.supervisor.Supervisor$Parts");

  @Test
  void collaborators_areNotBundledInPartsRecords() {
    noClasses()
        .that(
            DescribedPredicate.describe(
                "are records",
                (JavaClass c) ->
                    c.getRawSuperclass()
                            .map(s -> s.getName().equals(Record.class.getName()))
                            .orElse(false)
                        && !PARTS_NOT_YET_SPLIT.contains(c.getName())))
        .should()
        .haveSimpleNameEndingWith("Parts")
        .because("a step takes only the collaborators it uses (conventions)")
        .check(GRAPH.mainClasses());
  }

  private static ArchRule sqlOnlyInRepositories() {
    return noClasses()
        .that()
        .resideInAPackage("dev.racetrack.lifecycle..")
        .and()
        .haveSimpleNameNotEndingWith("Repository")
        .and()
        .resideOutsideOfPackages(
            "dev.racetrack.lifecycle.database..", "dev.racetrack.lifecycle.backup..")
        .should()
        .callMethodWhere(
            DescribedPredicate.describe(
                "it runs SQL on a Jdbi Handle",
                (JavaMethodCall call) ->
                    call.getTargetOwner().isAssignableTo(Handle.class)
                        && STATEMENTS.contains(call.getName())))
        .because("SQL belongs in *Repository classes (conventions)");
  }
}
