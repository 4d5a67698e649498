package dev.racetrack.lifecycle;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.lang.ArchRule;
import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.graph.PermissionGraph;
import dev.racetrack.lifecycle.job.NewerVersions;
import dev.racetrack.lifecycle.plugin.PluginInventory;
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

  /**
   * Classes that still hold SQL outside a repository. The list may only shrink: the audit writer is
   * the repository of audit events in all but name; the newer-versions refresh, the permission
   * graph's query and the plugin inventory's rows are still to be moved.
   */
  private static final Set<Class<?>> NOT_YET_MOVED =
      Set.of(AuditLog.class, NewerVersions.class, PermissionGraph.class, PluginInventory.class);

  @Test
  void packages_formNoCycle_andUseOnlyTheirModules() {
    GRAPH.check();
  }

  @Test
  void sql_isWrittenOnlyInRepositories() {
    sqlOnlyInRepositories(NOT_YET_MOVED).check(GRAPH.mainClasses());
  }

  @Test
  void sqlRule_findsTheClassesStillExempted() {
    assertThatThrownBy(() -> sqlOnlyInRepositories(Set.of()).check(GRAPH.mainClasses()))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining(AuditLog.class.getName())
        .hasMessageContaining(PluginInventory.class.getName());
  }

  private static ArchRule sqlOnlyInRepositories(Set<Class<?>> exempt) {
    return noClasses()
        .that()
        .resideInAPackage("dev.racetrack.lifecycle..")
        .and()
        .haveSimpleNameNotEndingWith("Repository")
        .and()
        .resideOutsideOfPackages(
            "dev.racetrack.lifecycle.database..", "dev.racetrack.lifecycle.backup..")
        .and(
            DescribedPredicate.describe(
                "are not " + exempt, (JavaClass c) -> exempt.stream().noneMatch(c::isEquivalentTo)))
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
