package dev.racetrack.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.racetrack.server.PlatformFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.racetrack.testsupport.Tools;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

  private static final Browser.NewContextOptions DESKTOP =
      new Browser.NewContextOptions().setViewportSize(1280, 800);
  private static final Browser.NewContextOptions PHONE =
      new Browser.NewContextOptions().setViewportSize(390, 844).setIsMobile(true).setHasTouch(true);

  @TempDir static Path home;
  private PlatformFixture platform;
  private HeadlessChromium chromium;
  private Browser browser;
  private String firstDeployment;

  @BeforeAll
  void start() {
    Tools.require("python3");
    Tools.require("bwrap");
    platform =
        new PlatformFixture(
            home, Map.of("EXTERNAL_GRAFANA_URL", GRAFANA, "JOB_WATCHER_INTERVAL_MS", "500"));
    chromium = new HeadlessChromium();
    browser = chromium.browser();
    firstDeployment = deployEcho("echo");
  }

  /** Deploys the echo job under {@code name} through the API; returns its deployment, done. */
  private String deployEcho(String name) {
    String id =
        platform.deploy(
            Map.of(
                "name",
                name,
                "owner_email",
                "dev@example.com",
                "jobtype",
                "python3:latest",
                "git",
                Map.of("remote", "https://example.com/jobs"),
                "jobtype_extra",
                Map.of("entrypoint_path", "echo.py")),
            Map.of("echo.py", ECHO),
            Map.of());
    assertThat(platform.awaitDeployment(id).path("status").asText()).isEqualTo("done");
    return id;
  }

  @AfterAll
  void stop() {
    if (chromium != null) {
      chromium.close();
    }
    if (platform != null) {
      platform.close();
    }
  }

  private Page login(String username, String password) {
    return logIn(newPage(DESKTOP), username, password);
  }

  /** Logs in through the form; on a phone the button is tapped, on a desktop clicked. */
  private Page logIn(Page page, String username, String password) {
    page.navigate(platform.dashboard("/login"));
    page.getByLabel("Username").fill(username);
    page.getByLabel("Password").fill(password);
    Locator button = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in"));
    if (page.viewportSize().width <= 600) { // a phone: touch, no mouse
      button.tap();
    } else {
      button.click();
    }
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

    // the scope an ESC needs to call a job is offered
    admin.getByLabel("Subject type").selectOption("user");
    admin.getByLabel("Subject (username, ESC id or job family)").fill("admin");
    admin.getByLabel("Scope").last().selectOption("call_job");
    admin.getByLabel("Job family (empty: any)").fill("callable-family");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Grant")).click();
    assertThat(admin.locator("tbody tr").filter(hasText("callable-family")))
        .containsText("call_job");

    // a version names one job: one that does not exist is refused, not granted family-wide
    admin.navigate(platform.dashboard("/admin/permissions"));
    admin.getByLabel("Subject type").selectOption("user");
    admin.getByLabel("Subject (username, ESC id or job family)").fill("admin");
    admin.getByLabel("Scope").last().selectOption("read_job");
    admin.getByLabel("Job family (empty: any)").fill("versioned-family");
    admin.getByLabel("Version (empty: any").fill("9.9.9");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Grant")).click();
    assertThat(admin.getByRole(AriaRole.ALERT)).containsText("versioned-family 9.9.9");
    assertThat(platform.get("/api/v1/auth/permissions").body()).doesNotContain("versioned-family");
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
    InProcessCli bundled =
        InProcessCli.run(
            home,
            "",
            "plugin",
            "bundle",
            SAMPLES.resolve(sample).toString(),
            "--out",
            out.toString());
    assertThat(bundled.exitCode()).as(bundled.toString()).isZero();
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

  /** The ids of every deployment, newest first, as lifecycle's API lists them to admin. */
  private List<String> deploymentIds() {
    List<String> ids = new ArrayList<>();
    json(platform.get("/api/v1/deploy?limit=1000").body())
        .forEach(d -> ids.add(d.path("id").asText()));
    return ids;
  }

  private List<String> rows(Page page) {
    List<String> ids = new ArrayList<>();
    for (Locator row : page.locator("tr[data-deployment]").all()) {
      ids.add(row.getAttribute("data-deployment"));
    }
    return ids;
  }

  @Test
  @Order(8)
  void cliDeploy_appearsLiveOnTheJobsPage_whichFiltersAndSorts() {
    deployEcho("alpha-job");
    Page admin = admin();
    admin.navigate(platform.dashboard("/jobs"));
    assertThat(admin.locator("li.job[data-job='alpha-job']")).isVisible();

    // deployed with the CLI while the page is open: it appears without a reload
    InProcessCli login =
        InProcessCli.login(home, platform, "admin", PlatformFixture.ADMIN_PASSWORD);
    assertThat(login.exitCode()).as(login.toString()).isZero();
    InProcessCli deploy =
        InProcessCli.run(
            home,
            "",
            "deploy",
            SAMPLES.resolve("python-adder").toString(),
            "-e",
            "name=zulu-job",
            "--remote",
            platform.lifecycle(""));
    assertThat(deploy.exitCode()).as(deploy.toString()).isZero();
    assertThat(admin.locator("li.job[data-job='zulu-job']")).isVisible(LIVE);

    // the filter box narrows the list as one types
    admin.getByLabel("Filter").fill("zulu");
    assertThat(admin.locator("li.job")).hasCount(1);
    assertThat(admin.locator("li.job")).hasAttribute("data-job", "zulu-job");
    admin.getByLabel("Filter").fill("");
    assertThat(admin.locator("li.job[data-job='alpha-job']")).isVisible();

    admin.getByLabel("Sort by").selectOption("newest");
    assertThat(admin.locator("li.job").first()).hasAttribute("data-job", "zulu-job");
    admin.getByLabel("Sort by").selectOption("name");
    assertThat(admin.locator("li.job").first()).hasAttribute("data-job", "alpha-job");
    assertThat(admin.locator("li.job").last()).hasAttribute("data-job", "zulu-job");
    admin.context().close();
  }

  @Test
  @Order(9)
  void portfolio_columnChooser_showsOnlyTheChosenColumns() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/portfolio"));
    Locator headings = admin.locator("table.portfolio thead th");
    assertThat(headings.filter(hasText("Deployed by"))).hasCount(1);
    admin.getByText("Columns", new Page.GetByTextOptions().setExact(true)).click();
    admin.getByLabel("Deployed by", new Page.GetByLabelOptions().setExact(true)).uncheck();
    admin.getByLabel("Target", new Page.GetByLabelOptions().setExact(true)).check();
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(headings.filter(hasText("Deployed by"))).hasCount(0);
    assertThat(headings.filter(hasText("Target"))).hasCount(1);
    assertThat(admin.getByLabel("Filter Deployed by")).hasCount(0);
    // the choice stays with the page, and its filters still work
    admin.getByLabel("Filter Name").fill("zulu");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(admin.locator("table.portfolio tbody tr")).hasCount(1);
    assertThat(headings.filter(hasText("Deployed by"))).hasCount(0);
    assertThat(admin.locator("table.portfolio tbody tr").first()).containsText("zulu-job");
    admin.context().close();
  }

  @Test
  @Order(10)
  void escTokens_withAnExpiryDate_areCreatedAndRevoked() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/admin/escs"));
    admin.getByLabel("Name").fill("partner");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create ESC")).click();
    assertThat(admin.locator("h1")).containsText("partner");
    String escId = admin.url().replaceFirst(".*/admin/escs/", "");
    int before = admin.locator("table tbody tr").count();

    admin.getByLabel("Expires on (UTC date, empty: never)").fill("2020-01-31");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create token")).click();
    assertThat(admin.locator("main"))
        .containsText(
            "expiry must be a date after today (UTC; the token expires at its midnight),"
                + " got '2020-01-31'");
    assertThat(admin.locator("main")).not().containsText("expiry_time");
    assertThat(tokens(escId)).as("nothing created").hasSize(before);
    admin.navigate(platform.dashboard("/admin/escs/" + escId));

    admin.getByLabel("Expires on (UTC date, empty: never)").fill("2030-01-31");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create token")).click();
    Locator dated = admin.locator("table tbody tr").filter(hasText("2030-01-31"));
    assertThat(admin.locator("table tbody tr")).hasCount(before + 1);
    assertThat(dated).hasCount(1);
    String tokenId = dated.locator("td.mono").textContent().strip();
    JsonNode stored = token(escId, tokenId);
    assertThat(stored.path("expiry_time").asLong())
        .isEqualTo(
            java.time.LocalDate.of(2030, 1, 31)
                .atStartOfDay()
                .toEpochSecond(java.time.ZoneOffset.UTC));
    assertThat(stored.path("active").asBoolean()).isTrue();

    dated
        .getByRole(
            AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Revoke token " + tokenId))
        .click();
    // revoking deletes the token, as the original's DELETE .../auth_token/{id}
    assertThat(admin.locator("table tbody tr")).hasCount(before);
    assertThat(admin.locator("table tbody tr").filter(hasText(tokenId))).hasCount(0);
    assertThat(tokens(escId)).noneMatch(t -> t.path("id").asText().equals(tokenId)).hasSize(before);
    admin.context().close();
  }

  private List<JsonNode> tokens(String escId) {
    String body = platform.get("/api/v1/escs/" + escId + "/auth_data").body();
    List<JsonNode> tokens = new ArrayList<>();
    json(body).path("tokens").forEach(tokens::add);
    return tokens;
  }

  private JsonNode token(String escId, String tokenId) {
    return tokens(escId).stream()
        .filter(t -> t.path("id").asText().equals(tokenId))
        .findFirst()
        .orElseThrow(() -> new AssertionError("ESC " + escId + " has no token " + tokenId));
  }

  @Test
  @Order(11)
  void reconcileButton_asksLifecycleToReprovisionLostJobs() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/admin"));
    admin
        .getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Reconcile lost jobs"))
        .click();
    assertThat(admin).hasURL(platform.dashboard("/admin?message=reconciled"));
    assertThat(admin.getByRole(AriaRole.STATUS))
        .containsText("Reconciliation started for the jobs found lost.");
    admin.context().close();
  }

  @Test
  @Order(12)
  void auditLog_pagesWithOlderEvents_filtersByVersion_andByRelatedToMe() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/audit?limit=3"));
    Locator events = admin.locator("li.event");
    assertThat(events).hasCount(3);
    List<String> first = events.allTextContents();
    admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Older events")).click();
    assertThat(admin).hasURL(Pattern.compile("limit=3.*cursor=|cursor=.*limit=3"));
    assertThat(events).hasCount(3);
    assertThat(events.allTextContents()).doesNotContainAnyElementsOf(first);

    admin.navigate(platform.dashboard("/audit"));
    admin.getByLabel("Job family").fill("alpha-job");
    admin.getByLabel("Version").fill("0.0.1");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(events.first()).isVisible();
    for (String text : admin.locator("li.event .explanation").allTextContents()) {
      assertThat(text).contains("alpha-job");
    }
    admin.getByLabel("Version").fill("9.9.9");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(admin.getByText("No events.")).isVisible();
    admin.getByLabel("Job family").fill("");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(admin.getByRole(AriaRole.STATUS))
        .containsText(
            "Version 9.9.9 is not applied: a version filters only with its job family (give both)");
    assertThat(admin.getByLabel("Version")).hasValue("9.9.9");
    assertThat(events.first()).isVisible();
    admin.navigate(platform.dashboard("/audit"));
    assertThat(admin.getByRole(AriaRole.STATUS)).hasCount(0);
    List<String> all = admin.locator("li.event .explanation").allTextContents();
    admin.getByLabel("Only events related to me").check();
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(admin).hasURL(Pattern.compile("mine=1"));
    assertThat(admin.getByLabel("Only events related to me")).isChecked();
    List<String> mine = admin.locator("li.event .explanation").allTextContents();
    List<String> related = new ArrayList<>();
    json(platform.get("/api/v1/audit/user_events?limit=50").body())
        .forEach(e -> related.add(e.path("explanation").asText()));
    assertThat(mine).isNotEmpty().isEqualTo(related).isNotEqualTo(all);
    admin.navigate(platform.dashboard("/audit?limit=0"));
    assertThat(admin.locator("body"))
        .containsText("limit must be a whole number from 1 to 50, not 0");
    admin.context().close();
  }

  @Test
  @Order(13)
  void deploymentsPage_pagesWithOlderAndNewest() {
    List<String> all = deploymentIds();
    assertThat(all.size()).isGreaterThanOrEqualTo(3);
    Page admin = admin();
    admin.navigate(platform.dashboard("/deployments?limit=2"));
    assertThat(admin.locator("tr[data-deployment]")).hasCount(2);
    List<String> shown = new ArrayList<>(rows(admin));
    Locator older =
        admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Older deployments"));
    while (older.count() > 0) {
      older.click();
      assertThat(admin).hasURL(Pattern.compile("cursor="));
      assertThat(admin.locator("tr[data-deployment]").first()).isVisible();
      shown.addAll(rows(admin));
    }
    assertThat(shown).isEqualTo(all);
    admin
        .getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("Newest deployments"))
        .click();
    assertThat(admin).hasURL(platform.dashboard("/deployments?limit=2"));
    assertThat(rows(admin)).isEqualTo(all.subList(0, 2));
    admin.context().close();
  }

  @Test
  @Order(14)
  void ownPasswordChange_thenLogout_endsTheSession() {
    Page bob = login("bob@example.com", "bob secret 1");
    // not allowed to redeploy another user's job: told so, and still logged in
    bob.navigate(platform.dashboard("/jobs/echo/0.0.1"));
    bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Redeploy").setExact(true))
        .click();
    assertThat(bob.getByRole(AriaRole.ALERT)).isVisible();
    assertThat(bob.locator("main")).containsText("(HTTP 403)");
    bob.navigate(platform.dashboard("/profile"));
    assertThat(bob).hasURL(platform.dashboard("/profile"));
    // a wrong current password is shown on the form; the session goes on
    bob.getByLabel("Current password").fill("not my password");
    bob.getByLabel("New password", new Page.GetByLabelOptions().setExact(true)).fill("bob new 2");
    bob.getByLabel("New password again").fill("bob new 2");
    bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change password")).click();
    assertThat(bob.getByRole(AriaRole.ALERT)).containsText("Passed password is incorrect");
    assertThat(bob).hasURL(Pattern.compile("/dashboard/profile"));
    bob.getByLabel("Current password").fill("bob secret 1");
    bob.getByLabel("New password", new Page.GetByLabelOptions().setExact(true)).fill("bob new 2");
    bob.getByLabel("New password again").fill("bob other 3");
    bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change password")).click();
    assertThat(bob.getByRole(AriaRole.ALERT)).containsText("the two new passwords differ");

    bob.getByLabel("Current password").fill("bob secret 1");
    bob.getByLabel("New password", new Page.GetByLabelOptions().setExact(true)).fill("bob new 2");
    bob.getByLabel("New password again").fill("bob new 2");
    bob.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change password")).click();
    assertThat(bob).hasURL(platform.dashboard("/login?changed=true"));
    assertThat(bob.getByRole(AriaRole.STATUS)).containsText("log in with the new one");
    bob.context().close();

    Page again = newPage(DESKTOP);
    again.navigate(platform.dashboard("/login"));
    again.getByLabel("Username").fill("bob@example.com");
    again.getByLabel("Password").fill("bob secret 1");
    again.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
    assertThat(again.getByRole(AriaRole.ALERT)).isVisible();
    again.context().close();

    Page fresh = login("bob@example.com", "bob new 2");
    String cookie =
        fresh.context().cookies(platform.dashboard("/")).stream()
            .filter(c -> c.name.equals("racetrack_dashboard"))
            .findFirst()
            .orElseThrow()
            .value;
    assertThat(dashboardStatus(cookie)).isEqualTo(200);
    fresh.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).click();
    assertThat(fresh).hasURL(platform.dashboard("/login"));
    fresh.navigate(platform.dashboard("/jobs"));
    assertThat(fresh).hasURL(Pattern.compile("/dashboard/login"));
    // the session is gone on the server too: its cookie, replayed, opens nothing
    assertThat(dashboardStatus(cookie)).isNotEqualTo(200);
    fresh.context().close();
  }

  /**
   * The status of the jobs page fetched with {@code cookie} as the session, redirects not followed.
   */
  private int dashboardStatus(String cookie) {
    return platform
        .send(
            HttpRequest.newBuilder(URI.create(platform.dashboard("/jobs")))
                .header("Cookie", "racetrack_dashboard=" + cookie)
                .GET())
        .statusCode();
  }

  private Page newPage(Browser.NewContextOptions screen) {
    Page page = browser.newContext(screen).newPage();
    page.context().setDefaultTimeout(30_000);
    return page;
  }

  /** How wide the page is laid out, in CSS pixels (wider than the screen: it scrolls sideways). */
  private static int layoutWidth(Page page) {
    return ((Number) page.evaluate("() => document.documentElement.scrollWidth")).intValue();
  }

  @Test
  @Order(15)
  void keyboardOnly_redeploysAJob() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/jobs/alpha-job/0.0.1"));
    tabTo(admin, "Redeploy");
    admin.keyboard().press("Enter");
    assertThat(admin).hasURL(Pattern.compile("/dashboard/deployments\\?started="));
    String id = admin.url().replaceFirst(".*started=", "");
    assertThat(platform.awaitDeployment(id).path("status").asText()).isEqualTo("done");
    admin.context().close();
  }

  /**
   * Presses Tab until the focused control is named {@code name} (its aria-label, its label or its
   * text), as someone without a mouse would.
   */
  private static void tabTo(Page page, String name) {
    List<String> seen = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      page.keyboard().press("Tab");
      Object focused =
          page.evaluate(
              "() => { const e = document.activeElement;"
                  + " return e.getAttribute('aria-label')"
                  + " || (e.labels && e.labels.length ? e.labels[0].textContent : e.textContent)"
                  + "     .trim(); }");
      if (name.equals(focused)) {
        return;
      }
      seen.add(String.valueOf(focused));
    }
    throw new AssertionError("'" + name + "' was never reached with the Tab key; went " + seen);
  }

  @Test
  @Order(16)
  void phoneWidth_filtersThePortfolio_andEveryListFits() {
    Page page = logIn(newPage(PHONE), "admin", PlatformFixture.ADMIN_PASSWORD);
    for (String path :
        List.of("/portfolio", "/deployments", "/graph", "/admin/escs", "/admin/users", "/docs")) {
      page.navigate(platform.dashboard(path));
      assertThat(layoutWidth(page)).as(path).isLessThanOrEqualTo(390);
    }
    page.navigate(platform.dashboard("/portfolio"));
    page.getByLabel("Filter Name").fill("alpha");
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).tap();
    assertThat(page.locator("table.portfolio tbody tr")).hasCount(1);
    assertThat(page.locator("table.portfolio tbody tr").first()).containsText("alpha-job");
    page.context().close();
  }

  @Test
  @Order(17)
  void keyboardOnly_createsAnEscResetsItsToken_andDeletesAJobAfterItsConfirmation() {
    Page admin = admin();
    com.microsoft.playwright.Keyboard keys = admin.keyboard();
    admin.navigate(platform.dashboard("/admin/escs"));
    tabTo(admin, "Name");
    keys.type("keyboard-partner");
    keys.press("Enter");
    assertThat(admin.locator("h1")).containsText("keyboard-partner");
    String before = admin.getByLabel(Pattern.compile("Caller token")).inputValue();
    tabTo(admin, "Reset token");
    keys.press("Enter");
    assertThat(admin.getByRole(AriaRole.STATUS)).containsText("reset");
    String after = admin.getByLabel(Pattern.compile("Caller token")).inputValue();
    assertThat(after).isNotBlank().isNotEqualTo(before);
    // the reset answered with a redirect: reloading its page shows it, and resets nothing again
    assertThat(admin).hasURL(Pattern.compile("/dashboard/admin/escs/[^/?]+\\?reset=true$"));
    admin.reload();
    assertThat(admin.getByRole(AriaRole.STATUS)).containsText("reset");
    assertThat(admin.getByLabel(Pattern.compile("Caller token")).inputValue()).isEqualTo(after);

    admin.navigate(platform.dashboard("/jobs/alpha-job/0.0.1"));
    tabTo(admin, "Delete…");
    keys.press("Enter");
    assertThat(admin.getByRole(AriaRole.ALERT)).containsText("Delete job alpha-job version 0.0.1");
    tabTo(admin, "Type the job's name, alpha-job, to confirm");
    keys.type("alpha-job");
    keys.press("Enter");
    assertThat(admin).hasURL(Pattern.compile("/dashboard/jobs"));
    assertThat(platform.get("/api/v1/job/alpha-job/0.0.1").statusCode()).isEqualTo(404);
    admin.context().close();
  }

  @Test
  @Order(18)
  void phoneWidth_registerThenAdminActivates_thenTheUserLogsIn() {
    Page user = newPage(PHONE);
    user.navigate(platform.dashboard("/register"));
    user.getByLabel("Username (your e-mail address)").fill("carol@example.com");
    user.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill("carol secret 1");
    user.getByLabel("Password again").fill("carol secret 1");
    user.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Register")).tap();
    assertThat(user.getByRole(AriaRole.STATUS)).containsText("wait");

    Page admin = logIn(newPage(PHONE), "admin", PlatformFixture.ADMIN_PASSWORD);
    admin.navigate(platform.dashboard("/admin/users"));
    assertThat(layoutWidth(admin)).isLessThanOrEqualTo(390);
    Locator active = admin.getByLabel("Active: carol@example.com");
    active.scrollIntoViewIfNeeded();
    active.tap();
    assertThat(active).isChecked();
    Locator save =
        admin.getByRole(
            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save carol@example.com"));
    save.scrollIntoViewIfNeeded();
    save.tap();
    assertThat(admin.getByRole(AriaRole.STATUS)).containsText("Saved carol@example.com");

    logIn(user, "carol@example.com", "carol secret 1");
    assertThat(user.locator("header")).containsText("carol@example.com");
    admin.context().close();
    user.context().close();
  }
}
