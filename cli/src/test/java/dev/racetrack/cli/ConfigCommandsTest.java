package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.cli.FakeLifecycleFixture.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCommandsTest {
  @TempDir Path dir;
  private CliFixture cli;

  @BeforeEach
  void start() {
    cli = new CliFixture(dir);
  }

  @AfterEach
  void stop() {
    cli.close();
  }

  @Test
  void getRemote_withoutConfigFile_printsDefaultRemoteAndCreatesNoFile() {
    CliFixture.Result result = cli.run("get", "remote");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo(ClientConfig.DEFAULT_REMOTE + "\n");
    assertThat(result.err()).isEmpty();
    assertThat(cli.configFile()).doesNotExist();
  }

  @Test
  void setRemote_withUrl_storesItAndGetRemotePrintsIt() throws IOException {
    CliFixture.Result set = cli.run("set", "remote", "http://10.0.0.5:7202/lifecycle");

    assertThat(set.exitCode()).as(set.toString()).isZero();
    assertThat(set.out()).isEqualTo("current remote is http://10.0.0.5:7202/lifecycle\n");
    assertThat(cli.config()).containsEntry("lifecycle_url", "http://10.0.0.5:7202/lifecycle");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cli.configFile())))
        .isEqualTo("rw-------");
    assertThat(cli.run("get", "remote").out()).isEqualTo("http://10.0.0.5:7202/lifecycle\n");
  }

  @Test
  void setRemote_withHostOnly_keepsWhatWasTypedAndResolvesToHttpsLifecycle() {
    cli.run("set", "remote", "racetrack.example.com");

    assertThat(cli.config()).containsEntry("lifecycle_url", "racetrack.example.com");
    assertThat(cli.run("get", "remote").out())
        .isEqualTo("https://racetrack.example.com/lifecycle\n");
  }

  @Test
  void setRemote_withTrailingSlash_resolvesWithoutIt() {
    cli.run("set", "remote", "http://127.0.0.1:7202/");
    assertThat(cli.run("get", "remote").out()).isEqualTo("http://127.0.0.1:7202/lifecycle\n");

    cli.run("set", "remote", "https://rt.example.com/custom/path//");
    assertThat(cli.run("get", "remote").out()).isEqualTo("https://rt.example.com/custom/path\n");
  }

  @Test
  void setAlias_thenSetRemoteToAlias_resolvesToAliasUrl() {
    CliFixture.Result alias = cli.run("set", "alias", "dev", "http://127.0.0.1:7202/");

    assertThat(alias.exitCode()).as(alias.toString()).isZero();
    assertThat(alias.out()).isEqualTo("alias dev -> http://127.0.0.1:7202\n");
    assertThat(cli.config())
        .containsEntry("lifecycle_url_aliases", Map.of("dev", "http://127.0.0.1:7202"));

    CliFixture.Result remote = cli.run("set", "remote", "dev");

    assertThat(remote.out()).isEqualTo("current remote is http://127.0.0.1:7202/lifecycle\n");
    assertThat(cli.config()).containsEntry("lifecycle_url", "dev");
    assertThat(cli.run("get", "remote").out()).isEqualTo("http://127.0.0.1:7202/lifecycle\n");
  }

  @Test
  void setAlias_twice_keepsOtherAliasesAndReplacesTheSameName() {
    cli.run("set", "alias", "dev", "http://127.0.0.1:7202");
    cli.run("set", "alias", "prod", "racetrack.example.com");
    cli.run("set", "alias", "dev", "http://127.0.0.1:7302");

    assertThat(cli.config())
        .containsEntry(
            "lifecycle_url_aliases",
            Map.of("dev", "http://127.0.0.1:7302", "prod", "racetrack.example.com"));
  }

  @Test
  void setAlias_withInvalidName_failsAndWritesNothing() {
    CliFixture.Result result = cli.run("set", "alias", "my dev", "http://127.0.0.1:7202");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: alias 'my dev' may contain only letters");
    assertThat(cli.configFile()).doesNotExist();
  }

  @Test
  void getAuthToken_withoutLogin_failsTellingToLogIn() {
    CliFixture.Result result = cli.run("get", "auth-token");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.out()).isEmpty();
    assertThat(result.err())
        .isEqualTo(
            "error: no token stored for "
                + ClientConfig.DEFAULT_REMOTE
                + "; run racetrack login\n");
  }

  @Test
  void getAuthToken_withRemoteAlias_printsTokenOfAliasUrl() {
    cli.writeConfig(
        """
        lifecycle_url: https://other.example.com
        lifecycle_url_aliases:
          dev: http://127.0.0.1:7202
        user_auths:
          http://127.0.0.1:7202/lifecycle: tok-dev
          https://other.example.com/lifecycle: tok-other
        """);

    assertThat(cli.run("get", "auth-token").out()).isEqualTo("tok-other\n");
    assertThat(cli.run("get", "auth-token", "--remote", "dev").out()).isEqualTo("tok-dev\n");
  }

  @Test
  void anyCommand_withGroupReadableConfig_warnsOnceOnStderr() throws IOException {
    cli.loggedIn("http://127.0.0.1:7202/lifecycle", "tok");
    Files.setPosixFilePermissions(cli.configFile(), PosixFilePermissions.fromString("rw-r-----"));

    // get auth-token reads the config twice (remote, then token)
    CliFixture.Result result = cli.run("get", "auth-token");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("tok\n");
    String warning =
        "warning: "
            + cli.configFile()
            + " is accessible by other users; it holds tokens: chmod 600 "
            + cli.configFile()
            + "\n";
    assertThat(result.err()).isEqualTo(warning);
  }

  @Test
  void anyCommand_withPrivateConfig_printsNoWarning() {
    cli.loggedIn("http://127.0.0.1:7202/lifecycle", "tok");

    assertThat(cli.run("get", "auth-token").err()).isEmpty();
  }

  @Test
  void setRemote_onGroupReadableConfig_rewritesItPrivate() throws IOException {
    cli.loggedIn("http://127.0.0.1:7202/lifecycle", "tok");
    Files.setPosixFilePermissions(cli.configFile(), PosixFilePermissions.fromString("rw-rw-r--"));

    cli.run("set", "remote", "http://127.0.0.1:7302");

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(cli.configFile())))
        .isEqualTo("rw-------");
    assertThat(cli.config())
        .containsEntry("user_auths", Map.of("http://127.0.0.1:7202/lifecycle", "tok"));
  }

  @Test
  void anyCommand_withMalformedConfig_failsNamingTheFile() throws IOException {
    cli.writeConfig("lifecycle_url: [unclosed\n");

    CliFixture.Result result = cli.run("get", "remote");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).startsWith("error: cannot read " + cli.configFile());
  }

  @Test
  void getPub_printsExternalPubUrlFromInfoWithoutToken() {
    try (FakeLifecycleFixture lifecycle = new FakeLifecycleFixture()) {
      lifecycle.onApi(
          "GET",
          "/api/v1/info",
          Response.json(
              Map.of("external_pub_url", "http://127.0.0.1:7205/pub", "auth_required", true)));
      cli.run("set", "remote", lifecycle.url());

      CliFixture.Result result = cli.run("get", "pub");

      assertThat(result.exitCode()).as(result.toString()).isZero();
      assertThat(result.out()).isEqualTo("http://127.0.0.1:7205/pub\n");
      assertThat(lifecycle.onlyApiRequest("GET", "/api/v1/info").header("X-Racetrack-Auth"))
          .isNull();
    }
  }
}
