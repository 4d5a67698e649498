package dev.racetrack.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.racetrack.testsupport.TlsFixture;
import dev.racetrack.tls.ServerKey;
import dev.racetrack.tls.TlsConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin commands that call the platform ({@code redeploy-missing} calls lifecycle, the account
 * commands tell PUB to drop its cache) speak HTTPS trusting {@code TLS_CA_FILE} when TLS is on.
 */
class AdminTlsIT {
  @TempDir Path tmp;

  private TlsFixture ca;
  private LifecycleFixture lifecycle;

  @BeforeEach
  void setUp() {
    ca = TlsFixture.create(tmp.resolve("tls"));
    lifecycle = new LifecycleFixture(tlsEnv());
  }

  @AfterEach
  void tearDown() {
    lifecycle.close();
  }

  @Test
  void redeployMissing_againstATlsOnlyLifecycle_reachesItOverHttpsTrustingTheCaFile() {
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              h.execute("INSERT INTO registry_jobfamily (id, name) VALUES ('f1', 'adder')");
              h.execute(
                  "INSERT INTO registry_job (id, family_id, name, version, status, manifest)"
                      + " VALUES ('j1', 'f1', 'adder', '1.0.0', 'lost', 'name: adder')");
            });

    AdminRun run = run(adminEnv(), "redeploy-missing");

    // lifecycle was reached over https with a valid token and answered for this job (it refuses
    // it: the stored manifest is not a valid one)
    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err())
        .contains("cannot redeploy adder v1.0.0 (lost): 4")
        .doesNotContain("cannot reach lifecycle", " 401 ");
  }

  @Test
  void changePassword_withATlsOnlyPub_hasNotifiedPubOverHttpsWhenItReturns() throws Exception {
    List<String> invalidations = new CopyOnWriteArrayList<>();
    HttpsServer pub = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    pub.setHttpsConfigurator(new HttpsConfigurator(serverContext()));
    pub.createContext(
        "/pub/cache/invalidate",
        exchange -> {
          invalidations.add(
              exchange.getRequestMethod()
                  + " "
                  + exchange.getRequestURI()
                  + " "
                  + exchange.getRequestHeaders().getFirst("X-Racetrack-Auth"));
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    pub.start();
    try {
      Map<String, String> env = adminEnv();
      env.put("INTERNAL_PUB_URL", "https://127.0.0.1:" + pub.getAddress().getPort() + "/pub");
      env.put("INTERNAL_TOKEN", "the-platforms-internal-token");

      AdminRun run = run(env, "changepassword", "admin");

      assertThat(run.exit()).as(run.err()).isZero();
      // no waiting here: the command's process exits as soon as it returns
      assertThat(invalidations)
          .containsExactly("POST /pub/cache/invalidate the-platforms-internal-token");
    } finally {
      pub.stop(0);
    }
  }

  private Map<String, String> tlsEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("TLS_CERT_FILE", ca.certFile().toString());
    env.put("TLS_KEY_FILE", ca.keyFile().toString());
    env.put("TLS_CA_FILE", ca.caFile().toString());
    return env;
  }

  /** The environment the platform runs with, as the admin commands are given it. */
  private Map<String, String> adminEnv() {
    Map<String, String> env = tlsEnv();
    env.put("RACETRACK_DATA_DIR", lifecycle.dataDir().toString());
    env.put("LIFECYCLE_PORT", String.valueOf(URI.create(lifecycle.url("")).getPort()));
    env.put("DATABASE_URL", lifecycle.jdbcUrl());
    env.put("POSTGRES_USER", "postgres");
    env.put("POSTGRES_PASSWORD", "");
    env.put("POSTGRES_SCHEMA", lifecycle.schema());
    env.put("AUTH_KEY", LifecycleFixture.AUTH_KEY);
    return env;
  }

  private SSLContext serverContext() throws GeneralSecurityException {
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(
        ServerKey.load(new TlsConfig.ServerFiles(ca.certFile(), ca.keyFile())).keyStore(),
        ServerKey.STORE_PASSWORD.toCharArray());
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  private static AdminRun run(Map<String, String> env, String... args) {
    return AdminRun.of(env, "a-new-admin-password-for-the-test-42\n", args);
  }
}
