package dev.racetrack.lifecycle.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.database.Database;
import dev.racetrack.lifecycle.database.TestDatabases;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.InfrastructurePlugin;
import dev.racetrack.spi.InfrastructureTarget;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.JobType;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.PluginContext;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.PostgresFixture;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Plugins appearing or disappearing between starts are recorded in the audit log. */
class PluginInventoryIT {
  private PostgresFixture postgres;
  private Database database;

  @BeforeEach
  void start() {
    postgres = PostgresFixture.start();
    database = TestDatabases.open(postgres, 2);
  }

  @AfterEach
  void stop() {
    database.close();
    postgres.close();
  }

  private record FakeJobType(String name, String version) implements JobType {
    @Override
    public void validate(Manifest manifest) {}

    @Override
    public LaunchSpec buildLocal(JobBuild build) {
      throw new UnsupportedOperationException();
    }
  }

  private record FakeInfrastructure(String name) implements InfrastructurePlugin {
    @Override
    public InfrastructureTarget create(PluginContext context) {
      throw new UnsupportedOperationException();
    }
  }

  private static PluginInventory inventory(String platformVersion, JobType... jobTypes) {
    return new PluginInventory(
        new Plugins(List.of(jobTypes), List.of(new FakeInfrastructure("local"))), platformVersion);
  }

  private List<String> events() {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createQuery(
                        "SELECT event_type || ' ' || username_executor || ' ' || properties"
                            + " FROM registry_auditlogevent ORDER BY timestamp, event_type")
                    .mapTo(String.class)
                    .list());
  }

  @Test
  void firstStart_recordsEveryPluginAsInstalled_andLists() {
    PluginInventory first =
        inventory("1.0.0", new FakeJobType("python3", "3.0.0"), new FakeJobType("java", "1.0.0"));

    assertThat(first.record(database.jdbi(), new AuditLog())).isEqualTo(3);
    assertThat(first.installed())
        .containsExactly(
            new PluginInventory.Installed("local", "1.0.0", "infrastructure"),
            new PluginInventory.Installed("java", "1.0.0", "job_type"),
            new PluginInventory.Installed("python3", "3.0.0", "job_type"));
    assertThat(events())
        .hasSize(3)
        .allMatch(e -> e.startsWith("plugin_installed racetrack "))
        .anyMatch(e -> e.contains("\"plugin_name\":\"python3\"") && e.contains("\"3.0.0\""));
  }

  @Test
  void sameSetAgain_recordsNothing_changedSetRecordsTheDifference() {
    inventory("1.0.0", new FakeJobType("python3", "3.0.0")).record(database.jdbi(), new AuditLog());
    int before = events().size();

    assertThat(
            inventory("1.0.0", new FakeJobType("python3", "3.0.0"))
                .record(database.jdbi(), new AuditLog()))
        .isZero();
    assertThat(events()).hasSize(before);

    assertThat(
            inventory("1.0.0", new FakeJobType("python3", "3.1.0"))
                .record(database.jdbi(), new AuditLog()))
        .isEqualTo(2);
    List<String> after = events().subList(before, events().size());
    assertThat(after)
        .anyMatch(e -> e.startsWith("plugin_uninstalled") && e.contains("\"3.0.0\""))
        .anyMatch(e -> e.startsWith("plugin_installed") && e.contains("\"3.1.0\""));
  }
}
