package dev.racetrack.lifecycle.database;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.racetrack.testsupport.PostgresFixture;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;

/**
 * V3 turns the old global {@code deploy_job} default of ordinary users into {@code deploy_job} and
 * {@code delete_job} on the families each of them deployed; staff keep their grants.
 */
class DeployRightsMigrationIT {

  @Test
  void migration_globalDeployJobOfUsers_becomesPerFamilyRightsOnTheFamiliesTheyDeployed() {
    try (PostgresFixture postgres = PostgresFixture.start();
        HikariDataSource pool = pool(postgres)) {
      flyway(pool, postgres).target("2").load().migrate();
      Jdbi jdbi = Jdbi.create(pool);
      jdbi.useTransaction(
          h -> {
            family(h, "f-adder", "adder");
            family(h, "f-other", "other");
            family(h, "f-gone", "gone");
            job(h, "j-adder", "f-adder", "adder", "bob@example.com");
            job(h, "j-other", "f-other", "other", "carol@example.com");
            h.execute(
                """
                INSERT INTO registry_trashjob (id, name, version, status, create_time, update_time,
                  deployed_by, age_days) VALUES ('t-1', 'gone', '1.0.0', 'running', now(), now(), 'bob@example.com', 1)
                """);
            user(h, 1, "bob@example.com", false);
            user(h, 2, "staff@example.com", true);
            for (String subject : List.of("s-1", "s-2")) {
              for (String scope :
                  List.of("read_job", "call_job", "deploy_new_family", "deploy_job")) {
                h.execute(
                    "INSERT INTO registry_authresourcepermission (auth_subject_id, scope) VALUES (?, ?)",
                    subject,
                    scope);
              }
            }
          });

      flyway(pool, postgres).load().migrate();

      assertThat(grants(jdbi, "s-1"))
          .containsExactlyInAnyOrder(
              "read_job/*",
              "call_job/*",
              "deploy_new_family/*",
              "deploy_job/adder",
              "delete_job/adder",
              "deploy_job/gone",
              "delete_job/gone");
      assertThat(grants(jdbi, "s-2"))
          .containsExactlyInAnyOrder(
              "read_job/*", "call_job/*", "deploy_new_family/*", "deploy_job/*");
    }
  }

  private static HikariDataSource pool(PostgresFixture postgres) {
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(postgres.jdbcUrl());
    config.setUsername(postgres.user());
    config.setPassword(postgres.password());
    config.setSchema(postgres.schema());
    config.setMaximumPoolSize(2);
    return new HikariDataSource(config);
  }

  private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(
      HikariDataSource pool, PostgresFixture postgres) {
    return Flyway.configure()
        .dataSource(pool)
        .schemas(postgres.schema())
        .createSchemas(true)
        .locations("classpath:db/migration");
  }

  private static void family(Handle h, String id, String name) {
    h.execute("INSERT INTO registry_jobfamily (id, name) VALUES (?, ?)", id, name);
  }

  private static void job(Handle h, String id, String family, String name, String deployer) {
    h.execute(
        "INSERT INTO registry_job (id, family_id, name, version, status, deployed_by) VALUES (?, ?, ?, '1.0.0', 'running', ?)",
        id,
        family,
        name,
        deployer);
  }

  private static void user(Handle h, int id, String username, boolean staff) {
    h.execute(
        "INSERT INTO auth_user (id, password, username, is_staff) VALUES (?, 'x', ?, ?)",
        id,
        username,
        staff);
    h.execute("INSERT INTO registry_authsubject (id, user_id) VALUES (?, ?)", "s-" + id, id);
  }

  private static List<String> grants(Jdbi jdbi, String subject) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT p.scope || '/' || COALESCE(f.name, '*') FROM registry_authresourcepermission p
                    LEFT JOIN registry_jobfamily f ON f.id = p.job_family_id
                    WHERE p.auth_subject_id = :subject
                    """)
                .bind("subject", subject)
                .mapTo(String.class)
                .list());
  }
}
