package dev.racetrack.lifecycle.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.lifecycle.database.Database;
import dev.racetrack.lifecycle.database.TestDatabases;
import dev.racetrack.model.error.UnauthorizedException;
import dev.racetrack.testsupport.PostgresFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

/**
 * Who may do what (§4.4): every subject kind (user, ESC, job family, internal token) × every scope
 * × every filter (none, family, job, endpoint) × the checks the platform makes, against a real
 * database. Jobs: alpha 1.0.0 and 2.0.0, beta 1.0.0 (same version as alpha 1.0.0, another job).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuthorizationMatrixIT {
  private PostgresFixture postgres;
  private Database database;
  private Jdbi jdbi;
  private Authorizer authorizer;
  private PermissionRepository permissions;
  private String alphaFamily;
  private String alpha1;
  private final List<Caller> callers = new ArrayList<>();

  enum Filter {
    NONE,
    FAMILY,
    JOB,
    ENDPOINT
  }

  @BeforeAll
  void setUp() {
    postgres = PostgresFixture.start();
    database = TestDatabases.open(postgres, 4);
    jdbi = database.jdbi();
    permissions = new PermissionRepository(jdbi);
    UserRepository users = new UserRepository(jdbi);
    authorizer = new Authorizer(permissions, users);
    AuthSubjectRepository subjects = new AuthSubjectRepository();
    jdbi.useTransaction(
        h -> {
          alphaFamily = family(h, "alpha");
          String betaFamily = family(h, "beta");
          String gammaFamily = family(h, "gamma");
          alpha1 = job(h, alphaFamily, "alpha", "1.0.0");
          job(h, alphaFamily, "alpha", "2.0.0");
          job(h, betaFamily, "beta", "1.0.0");
          int userId = users.insert(h, "user@example.com", "user@example.com", "x", true, false);
          h.execute("INSERT INTO registry_esc (id, name) VALUES ('esc-1', 'billing')");
          callers.add(
              new Caller(
                  SubjectType.USER,
                  "user@example.com",
                  "user@example.com",
                  Optional.of(subjects.forUser(h, userId)),
                  List.of()));
          callers.add(
              new Caller(
                  SubjectType.ESC,
                  "esc-1",
                  "billing",
                  Optional.of(subjects.forEsc(h, "esc-1")),
                  List.of()));
          callers.add(
              new Caller(
                  SubjectType.JOB_FAMILY,
                  "gamma",
                  "gamma",
                  Optional.of(subjects.forFamily(h, gammaFamily)),
                  List.of()));
        });
  }

  @AfterAll
  void tearDown() {
    database.close();
    postgres.close();
  }

  private static String family(Handle h, String name) {
    String id = UUID.randomUUID().toString();
    h.execute("INSERT INTO registry_jobfamily (id, name) VALUES (?, ?)", id, name);
    return id;
  }

  private static String job(Handle h, String family, String name, String version) {
    String id = UUID.randomUUID().toString();
    h.execute(
        "INSERT INTO registry_job (id, family_id, name, version, status) VALUES (?, ?, ?, ?, 'running')",
        id,
        family,
        name,
        version);
    return id;
  }

  /** Leaves the subject with exactly one permission. */
  private void grantOnly(Caller caller, AuthScope scope, Filter filter) {
    String subject = caller.authSubjectId().orElseThrow();
    jdbi.useTransaction(
        h -> {
          h.execute(
              "DELETE FROM registry_authresourcepermission WHERE auth_subject_id = ?", subject);
          permissions.insert(
              h,
              subject,
              scope,
              filter == Filter.FAMILY || filter == Filter.ENDPOINT
                  ? Optional.of(alphaFamily)
                  : Optional.empty(),
              filter == Filter.JOB ? Optional.of(alpha1) : Optional.empty(),
              filter == Filter.ENDPOINT ? Optional.of("/api/v1/perform") : Optional.empty());
        });
  }

  @TestFactory
  Stream<DynamicTest> databaseSubjects_scopesTimesFilters_decideAsSpecified() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Caller caller : callers) {
      for (AuthScope scope : AuthScope.values()) {
        for (Filter filter : Filter.values()) {
          tests.add(
              DynamicTest.dynamicTest(
                  caller.describe() + " " + scope.wireName() + " filtered by " + filter,
                  () -> check(caller, scope, filter)));
        }
      }
    }
    return tests.stream();
  }

  private void check(Caller caller, AuthScope granted, Filter filter) {
    grantOnly(caller, granted, filter);
    for (AuthScope asked : AuthScope.values()) {
      boolean scopeMatches = asked == granted || granted == AuthScope.FULL_ACCESS;
      String context =
          caller.describe()
              + " granted "
              + granted.wireName()
              + "/"
              + filter
              + ", asked "
              + asked.wireName();
      // a narrowed grant never counts as a global one, nor an endpoint grant as a job-wide one
      assertThat(authorizer.hasScope(caller, asked))
          .as(context + ": everything")
          .isEqualTo(scopeMatches && filter == Filter.NONE);
      assertThat(callerHasScopeAnywhere(caller, asked))
          .as(context + ": anything (listings)")
          .isEqualTo(scopeMatches);
      assertThat(authorizer.hasJobScope(caller, asked, "alpha", "1.0.0", Optional.empty()))
          .as(context + ": alpha 1.0.0")
          .isEqualTo(scopeMatches && filter != Filter.ENDPOINT);
      assertThat(authorizer.hasJobScope(caller, asked, "alpha", "2.0.0", Optional.empty()))
          .as(context + ": alpha 2.0.0")
          .isEqualTo(scopeMatches && filter != Filter.JOB && filter != Filter.ENDPOINT);
      assertThat(authorizer.hasJobScope(caller, asked, "beta", "1.0.0", Optional.empty()))
          .as(context + ": beta 1.0.0 (same version, another job)")
          .isEqualTo(scopeMatches && filter == Filter.NONE);
      assertThat(authorizer.hasJobScope(caller, asked, "new-family", "", Optional.empty()))
          .as(context + ": a job not deployed yet")
          .isEqualTo(scopeMatches && filter == Filter.NONE);
      assertThat(
              authorizer.hasJobScope(
                  caller, asked, "alpha", "1.0.0", Optional.of("/api/v1/perform")))
          .as(context + ": /api/v1/perform")
          .isEqualTo(scopeMatches);
      assertThat(
              authorizer.hasJobScope(caller, asked, "alpha", "1.0.0", Optional.of("/api/v1/other")))
          .as(context + ": /api/v1/other")
          .isEqualTo(scopeMatches && filter != Filter.ENDPOINT);
    }
  }

  private boolean callerHasScopeAnywhere(Caller caller, AuthScope scope) {
    try {
      authorizer.requireScopeAnywhere(caller, scope);
      return true;
    } catch (UnauthorizedException e) {
      return false;
    }
  }

  @Test
  void internalTokens_allowOnlyTheirScopes_andNothingWhenTheListIsEmpty() {
    Caller none = new Caller(SubjectType.INTERNAL, "tool", "tool", Optional.empty(), List.of());
    Caller reader =
        new Caller(SubjectType.INTERNAL, "tool", "tool", Optional.empty(), List.of("read_job"));
    Caller full =
        new Caller(
            SubjectType.INTERNAL, "admin", "admin", Optional.empty(), List.of("full_access"));
    for (AuthScope scope : AuthScope.values()) {
      assertThat(authorizer.hasScope(none, scope)).as("empty list, " + scope).isFalse();
      assertThat(
              authorizer.hasJobScope(none, scope, "alpha", "1.0.0", Optional.of("/api/v1/perform")))
          .isFalse();
      assertThat(authorizer.hasScope(reader, scope))
          .as("read_job token, " + scope)
          .isEqualTo(scope == AuthScope.READ_JOB);
      assertThat(authorizer.hasJobScope(full, scope, "beta", "1.0.0", Optional.empty())).isTrue();
    }
    authorizer.requireStaff(full);
    assertThatThrownBy(() -> authorizer.requireStaff(reader))
        .isInstanceOf(UnauthorizedException.class);
  }

  @Test
  void denials_nameTheSubjectResourceEndpointAndScope() {
    Caller family = callers.get(2);
    grantOnly(family, AuthScope.CALL_JOB, Filter.ENDPOINT);
    assertThatThrownBy(
            () ->
                authorizer.requireEndpointScope(
                    family, AuthScope.CALL_JOB, "alpha", "1.0.0", "/api/v1/other"))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessage(
            "no permission to do this operation: auth subject \"Job Family: gamma\" does not have permission to access endpoint"
                + " /api/v1/other at resource \"alpha v1.0.0\" with scope \"call_job\"");
    assertThatThrownBy(
            () -> authorizer.requireJobScope(callers.get(1), AuthScope.DELETE_JOB, "beta", "1.0.0"))
        .hasMessageContaining(
            "auth subject \"ESC: billing\" does not have permission to access resource \"beta v1.0.0\" with scope \"delete_job\"");
    assertThatThrownBy(() -> authorizer.requireScope(callers.get(0), AuthScope.DEPLOY_NEW_FAMILY))
        .hasMessageContaining(
            "auth subject \"User: user@example.com\" does not have permission to access scope \"deploy_new_family\"");
    assertThatThrownBy(() -> authorizer.requireStaff(callers.get(0)))
        .hasMessageContaining("is not staff");
  }
}
