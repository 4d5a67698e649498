package dev.racetrack.cli;

import static dev.racetrack.cli.FakeLifecycleFixture.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.cli.FakeLifecycleFixture.Response;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;

/**
 * The original client's commands: version, get config, set credentials, call --curl, completion.
 */
class ParityCommandsTest extends LoggedInCliTest {
  private static final String TOKEN = "tok-parity";

  ParityCommandsTest() {
    super(TOKEN);
  }

  @Test
  void version_printsTheClientVersionLikeTheOriginal() {
    CliFixture.Result result = cli.run("version");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).matches("racetrack-client version \\S+\n");
  }

  @Test
  void getConfig_printsTheConfigWithTokensAndGitPasswordsRedacted() {
    cli.run("set", "alias", "dev", "http://127.0.0.1:7202");
    cli.run("set", "credentials", "https://git.example.com/team", "bot", "git-secret");

    CliFixture.Result result = cli.run("get", "config");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("lifecycle_url: " + lifecycle.url())
        .contains("dev: http://127.0.0.1:7202")
        .contains("https://git.example.com/team")
        .contains("username: bot")
        .contains("***")
        .doesNotContain(TOKEN)
        .doesNotContain("git-secret")
        .doesNotContain("v1:");
  }

  @Test
  void setCredentials_storesThePasswordEncryptedWithAPrivateKeyFile() throws IOException {
    CliFixture.Result result =
        cli.run("set", "credentials", "https://git.example.com/team/", "bot", "git-secret");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).isEqualTo("git credentials stored for https://git.example.com/team\n");
    String config = Files.readString(cli.configFile());
    assertThat(config).contains("git_credentials").contains("password: v1:");
    assertThat(config).doesNotContain("git-secret");
    assertThat(
            PosixFilePermissions.toString(
                Files.getPosixFilePermissions(cli.configFile().resolveSibling("client.key"))))
        .isEqualTo("rw-------");
  }

  @Test
  void setCredentials_withEmptyToken_fails() {
    CliFixture.Result result = cli.run("set", "credentials", "https://git.example.com", "bot", " ");

    assertThat(result.exitCode()).isEqualTo(1);
    assertThat(result.err()).contains("TOKEN must not be empty");
  }

  @Test
  void callCurl_printsTheCurlCommandWithTokenLeftToGetAuthToken_andCallsNothing() {
    lifecycle.onApi(
        "GET",
        "/api/v1/job/adder/latest",
        Response.json(job("adder", "1.0.0", "running", lifecycle.base() + "/pub/job/adder/1.0.0")));

    CliFixture.Result result =
        cli.run(
            "call", "adder", "/api/v1/perform", "{\"numbers\": [1, 2], \"s\": \"it's\"}", "--curl");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .isEqualTo(
            "curl -X POST '"
                + lifecycle.base()
                + "/pub/job/adder/1.0.0/api/v1/perform' -H \"X-Racetrack-Auth: $(racetrack get"
                + " auth-token --remote "
                + lifecycle.url()
                + ")\" -H 'Content-Type: application/json' -d"
                + " '{\"numbers\":[1,2],\"s\":\"it'\\''s\"}'\n");
    assertThat(result.out()).doesNotContain(TOKEN);
    assertThat(lifecycle.requests("POST", "/pub/job/adder/1.0.0/api/v1/perform")).isEmpty();
  }

  @Test
  void callCurl_withShowToken_putsTheTokenIn_andWithoutPayloadIsAGet() {
    lifecycle.onApi(
        "GET",
        "/api/v1/job/adder/latest",
        Response.json(job("adder", "1.0.0", "running", lifecycle.base() + "/pub/job/adder/1.0.0")));

    CliFixture.Result result =
        cli.run("call", "adder", "/api/v1/parameters", "--curl", "--show-token");

    assertThat(result.out())
        .isEqualTo(
            "curl '"
                + lifecycle.base()
                + "/pub/job/adder/1.0.0/api/v1/parameters' -H 'X-Racetrack-Auth: "
                + TOKEN
                + "'\n");
  }

  @Test
  void completion_bash_completesCommandsAndSubcommands() {
    CliFixture.Result result = cli.run("completion", "bash");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("complete -F _complete_racetrack")
        .contains("deploy")
        .contains("credentials")
        .contains("completion");
  }

  @Test
  void completion_zsh_loadsBashCompletionSupportFirst() {
    CliFixture.Result result = cli.run("completion", "zsh");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out()).startsWith("autoload -U +X compinit && compinit\n");
    assertThat(result.out()).contains("bashcompinit").contains("complete -F _complete_racetrack");
  }

  /**
   * The zsh script loads in a real zsh: it parses, defines the completion function and registers it
   * for {@code racetrack} (through bashcompinit).
   */
  @Test
  void completion_zshScript_loadsInZsh_andRegistersRacetrack() throws Exception {
    java.nio.file.Path zsh = dev.racetrack.testsupport.Tools.require("zsh");
    Files.writeString(dir.resolve("complete.zsh"), cli.run("completion", "zsh").out());
    Process parse =
        new ProcessBuilder(zsh.toString(), "-n", dir.resolve("complete.zsh").toString())
            .redirectErrorStream(true)
            .start();
    String parsed = new String(parse.getInputStream().readAllBytes());
    assertThat(parse.waitFor()).as(parsed).isZero();

    Process load =
        new ProcessBuilder(
                zsh.toString(),
                "-f",
                "-c",
                "source \"$1\" && print -r -- \"fn=${+functions[_complete_racetrack]}"
                    + " comp=${_comps[racetrack]:-none}\"",
                "zsh",
                dir.resolve("complete.zsh").toString())
            .redirectErrorStream(true)
            .start();
    load.getOutputStream().close();
    String loaded = new String(load.getInputStream().readAllBytes());
    assertThat(load.waitFor()).as(loaded).isZero();
    assertThat(loaded).contains("fn=1").doesNotContain("comp=none");
  }

  @Test
  void completion_bashScript_isValidBash() throws Exception {
    Files.writeString(dir.resolve("complete.bash"), cli.run("completion", "bash").out());
    Process bash =
        new ProcessBuilder("bash", "-n", dir.resolve("complete.bash").toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(bash.getInputStream().readAllBytes());
    assertThat(bash.waitFor()).as(output).isZero();
  }
}
