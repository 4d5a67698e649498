package dev.racetrack.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.racetrack.server.PlatformFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.racetrack.cli.CliContext;
import dev.racetrack.cli.RacetrackCli;
import dev.racetrack.testsupport.Tools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's operational pages in a real browser (the system Chromium driven by Playwright) on
 * a platform running in this JVM: a job's Grafana link, infrastructure statistics and last call;
 * Reprovision; deployments updating live; plugins installed, documented and uninstalled from the
 * administration panel; permissions granted and revoked; my token regenerated; the docs pages.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardOpsIT {
  private static final String GRAFANA = "https://grafana.example.com";
  private static final Path SAMPLES =
      Path.of(System.getProperty("racetrack.samples", "../samples"));
  private static final String ECHO =
      """
      class Echo:
          def perform(self, text: str):
              return text
      """;
  private static final LocatorAssertions.IsVisibleOptions LIVE =
      new LocatorAssertions.IsVisibleOptions().setTimeout(30_000);

  @TempDir static Path home;
  private PlatformFixture platform;
  private Playwright playwright;
  private Browser browser;
  private String firstDeployment;

  @BeforeAll
  void start() {
    Path chromium = Tools.require("chromium");
    Tools.require("python3");
    Tools.require("bwrap");
    platform =
        new PlatformFixture(
            home, Map.of("EXTERNAL_GRAFANA_URL", GRAFANA, "JOB_WATCHER_INTERVAL_MS", "500"));
    Map<String, String> env = new HashMap<>();
    env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
    playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env));
    browser =
        playwright
            .chromium()
            .launch(
                new BrowserType.LaunchOptions()
                    .setExecutablePath(chromium)
                    .setHeadless(true)
                    .setArgs(
                        List.of(
                            "--no-sandbox",
                            "--disable-gpu",
                            "--disable-quic",
                            "--no-first-run",
                            "--disable-background-networking",
                            "--disable-component-update",
                            "--disable-sync")));
    firstDeployment =
        platform.deploy(
            Map.of(
                "name", "echo",
                "owner_email", "dev@example.com",
                "jobtype", "python3:latest",
                "git", Map.of("remote", "https://example.com/jobs"),
                "jobtype_extra", Map.of("entrypoint_path", "echo.py")),
            Map.of("echo.py", ECHO),
            Map.of());
    assertThat(platform.awaitDeployment(firstDeployment).path("status").asText()).isEqualTo("done");
  }

  @AfterAll
  void stop() {
    if (browser != null) {
      browser.close();
    }
    if (playwright != null) {
      playwright.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  private Page login(String username, String password) {
    Page page =
        browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800)).newPage();
    page.context().setDefaultTimeout(30_000);
    page.navigate(platform.dashboard("/login"));
    page.getByLabel("Username").fill(username);
    page.getByLabel("Password").fill(password);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
    assertThat(page).hasURL(platform.dashboard("/jobs"));
    return page;
  }

  private Page admin() {
    return login("admin", PlatformFixture.ADMIN_PASSWORD);
  }

  private static Locator.FilterOptions hasText(String text) {
    return new Locator.FilterOptions().setHasText(text);
  }

  @Test
  @Order(1)
  void jobPage_showsGrafanaLink_infrastructureStats_andLastCall() {
    assertThat(platform.perform("echo", "0.0.1", "{\"text\": \"hi\"}").statusCode()).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> json(platform.get("/api/v1/job/echo/0.0.1").body()).path("last_call_time"),
            JsonNode::isNumber);
    Page admin = admin();
    admin.navigate(platform.dashboard("/jobs/echo/0.0.1"));

    assertThat(
            admin.getByRole(
                AriaRole.LINK, new Page.GetByRoleOptions().setName("Grafana dashboard")))
        .hasAttribute(
            "href", GRAFANA + "/d/racetrack-jobs/racetrack-jobs?orgId=1&var-job_name=echo");
    assertThat(admin.locator("dl[aria-labelledby='infra-stats']"))
        .containsText("Number of restarts");
    assertThat(admin.locator("dd.last-call")).containsText("UTC");
    assertThat(admin.locator("dd.last-call")).not().containsText("never");
    admin.context().close();
  }

  @Test
  @Order(2)
  void reprovisionButton_startsADeployment_andTheDeploymentsPageFollowsItLive() {
    Page watcher = admin();
    watcher.navigate(platform.dashboard("/deployments"));
    int before = watcher.locator("tr[data-deployment]").count();

    Page admin = admin();
    admin.navigate(platform.dashboard("/jobs/echo/0.0.1"));
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Reprovision")).click();
    assertThat(admin).hasURL(Pattern.compile("/dashboard/deployments\\?started="));
    String id = admin.url().replaceFirst(".*started=", "");

    // the page opened before the deployment shows it without a reload, and sees it end
    Locator row = watcher.locator("tr[data-deployment='" + id + "']");
    assertThat(row).isVisible(LIVE);
    assertThat(platform.awaitDeployment(id).path("status").asText()).isEqualTo("done");
    assertThat(row.locator("td.status"))
        .hasText("done", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
    assertThat(watcher.locator("tr[data-deployment]")).hasCount(before + 1);
    assertThat(watcher.url()).endsWith("/dashboard/deployments");
    admin.context().close();
    watcher.context().close();
  }

  @Test
  @Order(3)
  void plugins_uploadedListedDocumented_andUninstalledAfterConfirmation() throws Exception {
    Path zip = bundle("plugins/shell-job-type");
    Page admin = admin();
    admin.navigate(platform.dashboard("/admin"));
    admin
        .getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Plugins").setExact(true))
        .click();
    assertThat(admin.locator("table#plugins")).containsText("python3");

    admin.getByLabel("Plugin bundle (.zip)").setInputFiles(zip);
    admin
        .getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Upload and install"))
        .click();
    assertThat(admin.getByRole(AriaRole.STATUS)).containsText("Installed shell 1.0.0");
    Locator shell = admin.locator("tr[data-plugin='shell']");
    assertThat(shell).containsText("1.0.0");
    assertThat(shell).containsText("job-type");
    assertThat(platform.get("/api/v1/plugin/job_type/versions").body()).contains("shell:1.0.0");

    shell.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Docs of shell")).click();
    assertThat(admin.locator("article.doc")).isVisible();
    admin.goBack();

    // the admin action button reaches lifecycle's run endpoint; a template job type has none
    admin
        .locator("tr[data-plugin='shell']")
        .getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Run action of shell"))
        .click();
    assertThat(admin.locator("body")).containsText("has no admin action");
    admin.navigate(platform.dashboard("/admin/plugins"));

    admin
        .locator("tr[data-plugin='shell']")
        .locator("a.danger")
        .filter(hasText("Uninstall"))
        .click();
    assertThat(admin.getByRole(AriaRole.ALERT))
        .containsText("Uninstall plugin shell version 1.0.0");
    assertThat(platform.get("/api/v1/plugin/job_type/versions").body()).contains("shell:1.0.0");
    admin
        .getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Uninstall shell 1.0.0"))
        .click();
    assertThat(admin.getByRole(AriaRole.STATUS)).containsText("Uninstalled shell 1.0.0");
    assertThat(admin.locator("tr[data-plugin='shell']")).hasCount(0);
    assertThat(platform.get("/api/v1/plugin/job_type/versions").body())
        .doesNotContain("shell:1.0.0");
    admin.context().close();
  }

  @Test
  @Order(4)
  void permissions_grantedThenRevoked_fromTheAdminPanel() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/admin/permissions"));
    admin.getByLabel("Subject type").selectOption("user");
    admin.getByLabel("Subject (username, ESC id or job family)").fill("admin");
    admin.getByLabel("Scope").last().selectOption("delete_job");
    admin.getByLabel("Job family (empty: any)").fill("granted-family");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Grant")).click();

    Locator row = admin.locator("tbody tr").filter(hasText("granted-family"));
    assertThat(row).hasCount(1);
    assertThat(row).containsText("delete_job");
    assertThat(platform.get("/api/v1/auth/permissions").body()).contains("granted-family");

    row.getByRole(AriaRole.BUTTON).click();
    assertThat(admin.locator("tbody tr").filter(hasText("granted-family"))).hasCount(0);
    assertThat(platform.get("/api/v1/auth/permissions").body()).doesNotContain("granted-family");
    admin.context().close();
  }

  @Test
  @Order(5)
  void regenerateMyToken_replacesTheTokenShown_andTheOldOneStopsWorking() {
    assertThat(
            platform
                .post(
                    "/api/v1/users/register",
                    Map.of("username", "bob@example.com", "password", "bob secret 1"),
                    null)
                .statusCode())
        .isEqualTo(200);
    assertThat(
            platform.put("/api/v1/users/bob@example.com", Map.of("is_active", true)).statusCode())
        .isEqualTo(200);
    Page bob = login("bob@example.com", "bob secret 1");
    bob.navigate(platform.dashboard("/profile"));
    String before = bob.getByLabel("Token of bob@example.com").inputValue();
    assertThat(userAuth(before)).isEqualTo(200);

    bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Regenerate my token"))
        .click();

    assertThat(bob.getByRole(AriaRole.STATUS)).containsText("new token");
    String after = bob.getByLabel("Token of bob@example.com").inputValue();
    assertThat(after).isNotBlank().isNotEqualTo(before);
    assertThat(bob.getByLabel("Log in with the command line").inputValue()).endsWith(" " + after);
    assertThat(userAuth(after)).isEqualTo(200);
    assertThat(userAuth(before)).isEqualTo(401);
    bob.context().close();
  }

  @Test
  @Order(6)
  void docsPages_renderTheGuides() {
    Page admin = admin();
    admin
        .getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Docs").setExact(true))
        .first()
        .click();
    assertThat(admin.locator("article.doc h1")).hasText("User guide");
    admin
        .getByRole(AriaRole.NAVIGATION, new Page.GetByRoleOptions().setName("Documentation"))
        .getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Administration"))
        .click();
    assertThat(admin).hasURL(platform.dashboard("/docs/admin"));
    assertThat(admin.locator("article.doc h1")).hasText("Administering Racetrack");
    assertThat(admin.locator("article.doc")).containsText("Dashboard");
    admin.context().close();
  }

  private int userAuth(String token) {
    return platform
        .send(
            HttpRequest.newBuilder(
                    URI.create(platform.lifecycle("/api/v1/users/validate_user_auth")))
                .header("X-Racetrack-Auth", token)
                .GET())
        .statusCode();
  }

  private Path bundle(String sample) throws Exception {
    Path out = Files.createTempDirectory(home, "bundle");
    ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    CliContext context =
        new CliContext(
            Map.of("RACETRACK_CONFIG", home.resolve("client/config.yaml").toString()),
            new PrintStream(stdout, true, StandardCharsets.UTF_8),
            new PrintStream(stderr, true, StandardCharsets.UTF_8),
            new ByteArrayInputStream(new byte[0]),
            HttpClient.newHttpClient());
    try {
      int code =
          RacetrackCli.commandLine(context)
              .execute(
                  "plugin", "bundle", SAMPLES.resolve(sample).toString(), "--out", out.toString());
      assertThat(code).as(stderr.toString(StandardCharsets.UTF_8)).isZero();
    } finally {
      context.close();
    }
    try (var files = Files.list(out)) {
      return files.filter(f -> f.toString().endsWith(".zip")).findFirst().orElseThrow();
    }
  }

  @Test
  @Order(7)
  void buildLog_ofAFinishedDeployment_isShownFromTheDeploymentsPage_andTheFollowEnds() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/deployments"));
    admin
        .locator("tr[data-deployment='" + firstDeployment + "']")
        .getByRole(
            AriaRole.LINK, new Locator.GetByRoleOptions().setName(Pattern.compile("^Build log")))
        .click();
    assertThat(admin).hasURL(platform.dashboard("/deployments/" + firstDeployment + "/build-log"));
    assertThat(admin.locator("#build-log-state"))
        .hasText("The build has ended.", new LocatorAssertions.HasTextOptions().setTimeout(30_000));
    // lifecycle's stream of a finished deployment: its stored log, line by line, then the end
    String stream = platform.get("/api/v1/deploy/" + firstDeployment + "/build-logs/stream").body();
    assertThat(stream).contains("job type").endsWith("event: end\ndata: end\n\n");
    long lines = stream.lines().filter(l -> l.startsWith("data: ")).count() - 1;
    assertThat(lines).isPositive();
    assertThat(admin.locator("#build-log")).containsText("job type");
    assertThat(admin.locator("#build-log div.line")).hasCount((int) lines);
    admin.context().close();
  }
}
