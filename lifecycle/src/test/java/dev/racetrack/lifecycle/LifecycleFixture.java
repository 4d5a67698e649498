package dev.racetrack.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.lifecycle.database.Database;
import dev.racetrack.lifecycle.database.TestDatabases;
import dev.racetrack.model.Json;
import dev.racetrack.spi.Plugins;
import dev.racetrack.testsupport.PostgresFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

/**
 * A lifecycle started in-process on a free port, on a fresh PostgreSQL schema and data directory,
 * with the admin password known. The image builder URL points nowhere unless given.
 */
final class LifecycleFixture implements AutoCloseable {
  static final String ADMIN_PASSWORD = "fixture-admin-password";
  static final String AUTH_KEY = "fixture-auth-key-of-at-least-32-bytes";

  private final PostgresFixture postgres;
  private final LifecycleApp app;
  private final Path dataDir;
  private final HttpClient http = HttpClient.newHttpClient();
  private final Database database;

  LifecycleFixture(Map<String, String> extraEnv) {
    postgres = PostgresFixture.start();
    try {
      dataDir = Files.createTempDirectory("lifecycle-it");
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
    env.put("RACETRACK_ADMIN_PASSWORD", ADMIN_PASSWORD);
    env.put("IMAGE_BUILDER_URL", "http://127.0.0.1:1");
    env.put("INTERNAL_PUB_URL", "http://127.0.0.1:1/pub");
    env.putAll(extraEnv);
    app =
        LifecycleApp.start(
            LifecycleConfig.fromEnv(env, AUTH_KEY, "internal-token"),
            Plugins.discover(),
            Clock.systemUTC(),
            true);
    database = TestDatabases.open(postgres, 2);
  }

  String url(String path) {
    return "http://127.0.0.1:" + app.port() + path;
  }

  Jdbi jdbi() {
    return database.jdbi();
  }

  Path dataDir() {
    return dataDir;
  }

  String jdbcUrl() {
    return postgres.jdbcUrl();
  }

  String schema() {
    return postgres.schema();
  }

  HttpResponse<String> get(String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url(path))).GET();
    if (token != null) {
      request.header("X-Racetrack-Auth", token);
    }
    return send(request);
  }

  HttpResponse<String> post(String path, Object body, String token) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url(path)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body)));
    if (token != null) {
      request.header("X-Racetrack-Auth", token);
    }
    return send(request);
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Logs in as admin and returns the token. */
  String adminToken() {
    HttpResponse<String> login =
        post("/api/v1/users/login", Map.of("username", "admin", "password", ADMIN_PASSWORD), null);
    if (login.statusCode() != 200) {
      throw new IllegalStateException("admin login failed: " + login.body());
    }
    return json(login.body()).path("token").asText();
  }

  /**
   * Registers {@code username}, has admin activate the account and logs it in; returns its token.
   */
  String activeUser(String username, String password) {
    Map<String, String> credentials = Map.of("username", username, "password", password);
    HttpResponse<String> registered = post("/api/v1/users/register", credentials, null);
    if (registered.statusCode() != 200) {
      throw new IllegalStateException("registering " + username + " failed: " + registered.body());
    }
    HttpResponse<String> activated =
        send(
            HttpRequest.newBuilder(URI.create(url("/api/v1/users/" + username)))
                .header("Content-Type", "application/json")
                .header("X-Racetrack-Auth", adminToken())
                .PUT(HttpRequest.BodyPublishers.ofString("{\"is_active\": true}")));
    if (activated.statusCode() != 200) {
      throw new IllegalStateException("activating " + username + " failed: " + activated.body());
    }
    HttpResponse<String> login = post("/api/v1/users/login", credentials, null);
    if (login.statusCode() != 200) {
      throw new IllegalStateException(username + " cannot log in: " + login.body());
    }
    return json(login.body()).path("token").asText();
  }

  /**
   * Takes away a user's default read permission on every job (§4.8): the user then reads only its
   * own deployments and the jobs granted to it.
   */
  void withoutReadingEveryJob(String username) {
    jdbi()
        .useHandle(
            h ->
                h.createUpdate(
                        """
                        DELETE FROM registry_authresourcepermission WHERE scope = 'read_job'
                          AND auth_subject_id = (SELECT s.id FROM registry_authsubject s
                            JOIN auth_user u ON u.id = s.user_id WHERE u.username = :username)
                        """)
                    .bind("username", username)
                    .execute());
  }

  static JsonNode json(String body) {
    try {
      return Json.mapper().readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    app.close();
    database.close();
    postgres.close();
  }
}
