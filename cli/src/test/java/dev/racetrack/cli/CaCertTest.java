package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.racetrack.testsupport.TlsFixture;
import dev.racetrack.tls.ServerKey;
import dev.racetrack.tls.TlsConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code racetrack set ca-cert} and {@code RACETRACK_CA_CERT} against an HTTPS lifecycle. */
class CaCertTest {
  @TempDir Path dir;
  private TlsFixture ca;
  private HttpsServer server;
  private String remote;
  private CliFixture cli;

  @BeforeEach
  void start() throws Exception {
    ca = TlsFixture.create(dir.resolve("ca"));
    ServerKey key = ServerKey.load(new TlsConfig.ServerFiles(ca.certFile(), ca.keyFile()));
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(key.keyStore(), ServerKey.STORE_PASSWORD.toCharArray());
    SSLContext ssl = SSLContext.getInstance("TLS");
    ssl.init(kmf.getKeyManagers(), null, null);
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(ssl));
    server.createContext(
        "/",
        exchange -> {
          byte[] body =
              "[{\"id\": \"e1\", \"name\": \"backend\"}]".getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    remote = "https://localhost:" + server.getAddress().getPort() + "/lifecycle";
    cli = new CliFixture(dir);
    cli.loggedIn(remote, "token-1");
  }

  @AfterEach
  void stop() {
    server.stop(0);
    cli.close();
  }

  @Test
  void call_toAnUntrustedCertificate_isRefusedNamingTheRemoteAndTheFix() {
    CliFixture.Result result = run(Map.of(), "esc", "list");

    assertThat(result.exitCode()).as(result.toString()).isNotZero();
    assertThat(result.err())
        .contains("the TLS certificate of " + remote + " is not trusted")
        .contains("racetrack set ca-cert");
  }

  @Test
  void setCaCert_storesTheFile_andCallsThenTrustIt() {
    CliFixture.Result set = cli.run("set", "ca-cert", ca.caFile().toString());

    assertThat(set.exitCode()).as(set.toString()).isZero();
    assertThat(cli.config()).containsEntry("ca_cert", ca.caFile().toAbsolutePath().toString());
    CliFixture.Result list = run(Map.of(), "esc", "list");
    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.out()).contains("backend");
  }

  @Test
  void caCertVariable_isTrusted() {
    CliFixture.Result list =
        run(Map.of("RACETRACK_CA_CERT", ca.caFile().toString()), "esc", "list");

    assertThat(list.exitCode()).as(list.toString()).isZero();
    assertThat(list.out()).contains("backend");
  }

  @Test
  void setCaCert_withAFileThatIsNoCertificate_isRefusedNamingIt() throws IOException {
    Path junk = Files.writeString(dir.resolve("junk.pem"), "hello");

    CliFixture.Result set = cli.run("set", "ca-cert", junk.toString());

    assertThat(set.exitCode()).isNotZero();
    assertThat(set.err()).contains(junk.toString());
    assertThat(cli.config()).doesNotContainKey("ca_cert");
  }

  /** Runs the CLI with a client of its own making, as the real process does. */
  private CliFixture.Result run(Map<String, String> extraEnv, String... args) {
    Map<String, String> env = new HashMap<>(extraEnv);
    env.put("RACETRACK_CONFIG", cli.configFile().toString());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CliContext context =
        CliContext.standalone(
            env,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new ByteArrayInputStream(new byte[0]));
    try {
      int exit = RacetrackCli.commandLine(context).execute(args);
      return new CliFixture.Result(
          exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      context.close();
    }
  }
}
