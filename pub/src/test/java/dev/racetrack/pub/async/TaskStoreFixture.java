package dev.racetrack.pub.async;

import dev.racetrack.lifecycle.LifecycleApp;
import dev.racetrack.lifecycle.LifecycleConfig;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.PostgresFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/** A real lifecycle (on a fresh PostgreSQL schema) whose async call store PUB instances share. */
final class TaskStoreFixture implements AutoCloseable {
  static final String INTERNAL_TOKEN = "async-internal-token";

  private final PostgresFixture postgres;
  private final LifecycleApp lifecycle;
  private final HttpClient http = HttpClient.newHttpClient();

  TaskStoreFixture() {
    postgres = PostgresFixture.start();
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("pub-async-it");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = new HashMap<>();
    env.put("RACETRACK_DATA_DIR", dataDir.toString());
    env.put("LIFECYCLE_PORT", "0");
    env.put("DATABASE_URL", postgres.jdbcUrl());
    env.put("POSTGRES_USER", postgres.user());
    env.put("POSTGRES_PASSWORD", postgres.password());
    env.put("POSTGRES_SCHEMA", postgres.schema());
    env.put("RACETRACK_ADMIN_PASSWORD", "fixture-admin-password");
    env.put("IMAGE_BUILDER_URL", "http://127.0.0.1:1");
    env.put("INTERNAL_PUB_URL", "http://127.0.0.1:1/pub");
    lifecycle =
        LifecycleApp.start(
            LifecycleConfig.fromEnv(env, "fixture-auth-key-of-at-least-32-bytes", INTERNAL_TOKEN),
            Plugins.discover(),
            Clock.systemUTC(),
            false);
  }

  String lifecycleUrl() {
    return "http://127.0.0.1:" + lifecycle.port();
  }

  /** A client of the shared store, as each PUB has its own. */
  AsyncCallClient store() {
    return new AsyncCallClient(http, lifecycleUrl(), INTERNAL_TOKEN);
  }

  @Override
  public void close() {
    lifecycle.close();
    postgres.close();
  }
}
