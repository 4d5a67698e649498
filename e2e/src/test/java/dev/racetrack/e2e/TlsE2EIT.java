package dev.racetrack.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.testsupport.TlsFixture;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform serving HTTPS only, with a test CA's certificate: the CLI refuses it until told to
 * trust the CA, then logs in, deploys the python sample and calls it over https; curl fails without
 * the CA and succeeds with {@code --cacert}; plain HTTP is off.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsE2EIT {
  private static final Path DIST =
      Path.of(System.getProperty("racetrack.dist", "../server/target/dist"));
  private static final Path SAMPLES =
      Path.of(System.getProperty("racetrack.samples", "../samples"));
  private static final String PERFORM = "/job/python-adder/latest/api/v1/perform";

  @TempDir static Path home;

  private TlsFixture ca;
  private PlatformProcess platform;
  private String token;

  @BeforeAll
  void startPlatform() {
    Tools.require("python3");
    Tools.require("bwrap"); // jobs run in the sandbox
    Tools.require("curl");
    assertThat(DIST.resolve("lib"))
        .as("distribution (mvn package of the server module)")
        .isDirectory();
    ca = TlsFixture.create(home.resolve("tls"));
    platform =
        new PlatformProcess(
            DIST,
            home,
            Map.of(
                "MAX_BUILD_CONTEXT_MB", "1",
                "TLS_CERT_FILE", ca.certFile().toString(),
                "TLS_KEY_FILE", ca.keyFile().toString(),
                "TLS_CA_FILE", ca.caFile().toString()));
    platform.start();
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  @Test
  @Order(0)
  void startBanner_namesEveryAddress_withTheSchemeServed() {
    org.awaitility.Awaitility.await()
        .atMost(java.time.Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(PlatformProcess.tail(platform.serverLog()))
                    .contains("  Dashboard       " + platform.dashboardUrl() + "\n")
                    .contains("  Lifecycle API   " + platform.lifecycleUrl() + "\n")
                    .contains("--remote " + platform.lifecycleUrl().replace("/lifecycle", "\n")));
    assertThat(platform.dashboardUrl()).startsWith("https://");
  }

  @Test
  @Order(1)
  void cli_withoutTheCa_refusesTheCertificateWithTheFix() {
    PlatformProcess.CliResult login =
        platform.cli(
            PlatformProcess.ADMIN_PASSWORD + "\n",
            "login",
            "--username",
            "admin",
            "--remote",
            platform.lifecycleUrl());

    assertThat(login.exitCode()).isNotZero();
    assertThat(login.output())
        .contains("the TLS certificate of " + platform.lifecycleUrl() + " is not trusted")
        .contains("racetrack set ca-cert");
  }

  @Test
  @Order(2)
  void cli_trustingTheCa_logsInDeploysAndCallsOverHttps() {
    assertThat(platform.cli("", "set", "ca-cert", ca.caFile().toString()).exitCode()).isZero();
    token = platform.loginAsAdmin();

    PlatformProcess.CliResult deploy =
        platform.cli("", "deploy", SAMPLES.resolve("python-adder").toString());
    assertThat(deploy.exitCode()).as(deploy.output()).isZero();
    assertThat(deploy.output()).contains("is running: " + platform.pubUrl());

    PlatformProcess.CliResult call =
        platform.cli("", "call", "python-adder", "/api/v1/perform", "{\"numbers\": [40, 2]}");
    assertThat(call.exitCode()).as(call.output()).isZero();
    assertThat(call.output().strip()).isEqualTo("42");
  }

  @Test
  @Order(3)
  void curl_failsWithoutTheCa_andSucceedsWithIt() throws Exception {
    Curl without = curl();
    Curl with = curl("--cacert", ca.caFile().toString());

    assertThat(without.exitCode()).as(without.output()).isNotZero();
    assertThat(with.exitCode()).as(with.output()).isZero();
    assertThat(with.output()).isEqualTo("42");
  }

  @Test
  @Order(4)
  void plainHttp_isOff() {
    assertThat(platform.ok(platform.lifecycleUrl() + "/ready")).isTrue();
    assertThat(platform.ok(platform.lifecycleUrl().replace("https://", "http://") + "/ready"))
        .isFalse();
    assertThat(platform.ok(platform.pubUrl().replace("https://", "http://") + "/ready")).isFalse();
  }

  private record Curl(int exitCode, String output) {}

  private Curl curl(String... options) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "30"));
    command.addAll(List.of(options));
    command.addAll(
        List.of(
            "-H",
            "X-Racetrack-Auth: " + token,
            "-H",
            "Content-Type: application/json",
            "-d",
            "{\"numbers\": [40, 2]}",
            platform.pubUrl() + PERFORM));
    Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!curl.waitFor(60, TimeUnit.SECONDS)) {
      curl.destroyForcibly();
      throw new AssertionError("curl did not finish");
    }
    return new Curl(curl.exitValue(), output);
  }
}
