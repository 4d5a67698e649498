package dev.racetrack.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** Commands run by a user logged in to a fake lifecycle with a given token. */
abstract class LoggedInCliTest {
  @TempDir Path dir;
  FakeLifecycleFixture lifecycle;
  CliFixture cli;
  private final String token;

  LoggedInCliTest(String token) {
    this.token = token;
  }

  @BeforeEach
  void logIn() {
    lifecycle = new FakeLifecycleFixture();
    cli = new CliFixture(dir);
    cli.loggedIn(lifecycle.url(), token);
  }

  @AfterEach
  void stopFixtures() {
    cli.close();
    lifecycle.close();
  }
}
