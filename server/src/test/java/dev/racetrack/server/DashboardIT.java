package dev.racetrack.server;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.racetrack.server.PlatformFixture.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Keyboard;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.Cookie;
import dev.racetrack.testsupport.Tools;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real browser (the system Chromium driven by Playwright) on a platform running
 * in this JVM: the admin guide's steps, plus escaping, CSRF, keyboard-only use and a phone width.
 * Screenshots of the main pages go to target/screenshots; with {@code
 * -Dracetrack.screenshots.update=true} they replace the committed ones in docs/screenshots (a test
 * run never changes tracked files otherwise).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardIT {
  private static final String SHOUTER =
      """
      class Shouter:
          def perform(self, text: str):
              print(text, flush=True)
              return text
      """;
  private static final String MARKUP = "<img src=x onerror=\"window.pwned=1\">";
  private static final Path SCREENSHOTS =
      Boolean.getBoolean("racetrack.screenshots.update")
          ? Path.of("..", "docs", "screenshots")
          : Path.of("target", "screenshots");

  @TempDir static Path home;
  private PlatformFixture platform;
  private HeadlessChromium chromium;
  private Browser browser;

  @BeforeAll
  void start() throws Exception {
    Tools.require("python3");
    Tools.require("bwrap");
    platform = new PlatformFixture(home, Map.of());
    chromium = new HeadlessChromium();
    browser = chromium.browser();
    Files.createDirectories(SCREENSHOTS);
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

  private Page newPage() {
    BrowserContext context =
        browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800));
    context.setDefaultTimeout(30_000);
    return context.newPage();
  }

  private Page loggedIn(String username, String password) {
    Page page = newPage();
    login(page, username, password);
    assertThat(page).hasURL(platform.dashboard("/jobs"));
    return page;
  }

  private void login(Page page, String username, String password) {
    page.navigate(platform.dashboard("/login"));
    page.getByLabel("Username").fill(username);
    page.getByLabel("Password").fill(password);
    page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
  }

  private Page admin() {
    return loggedIn("admin", PlatformFixture.ADMIN_PASSWORD);
  }

  private static void screenshot(Page page, String name) {
    page.screenshot(new Page.ScreenshotOptions().setPath(SCREENSHOTS.resolve(name + ".png")));
  }

  private Map<String, Object> manifest(String name, Map<String, String> labels) {
    Map<String, Object> m = new HashMap<>();
    m.put("name", name);
    m.put("owner_email", "dev@example.com");
    m.put("jobtype", "python3:latest");
    m.put("git", Map.of("remote", "https://example.com/jobs"));
    m.put("labels", labels);
    m.put("jobtype_extra", Map.of("entrypoint_path", "shouter.py"));
    return m;
  }

  private void deploy(String name, Map<String, String> labels) {
    String id = platform.deploy(manifest(name, labels), Map.of("shouter.py", SHOUTER), Map.of());
    assertThat(platform.awaitDeployment(id).path("status").asText()).isEqualTo("done");
  }

  @Test
  @Order(1)
  void register_thenAdminActivates_userLogsIn() {
    Page user = newPage();
    user.navigate(platform.dashboard("/register"));
    user.getByLabel("Username (your e-mail address)").fill("alice@example.com");
    user.getByLabel("Password", new Page.GetByLabelOptions().setExact(true)).fill("alice secret 1");
    user.getByLabel("Password again").fill("alice secret 1");
    user.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Register")).click();
    assertThat(user.getByRole(AriaRole.STATUS)).containsText("wait");

    login(user, "alice@example.com", "alice secret 1");
    assertThat(user.getByRole(AriaRole.ALERT)).isVisible();
    assertThat(user).hasURL(platform.dashboard("/login"));

    Page admin = admin();
    admin.navigate(platform.dashboard("/admin/users"));
    screenshot(admin, "admin-users");
    admin.getByLabel("Active: alice@example.com").check();
    admin
        .getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save alice@example.com"))
        .click();
    assertThat(admin.getByRole(AriaRole.STATUS)).containsText("Saved alice@example.com");

    login(user, "alice@example.com", "alice secret 1");
    assertThat(user).hasURL(platform.dashboard("/jobs"));
    assertThat(user.locator("header")).containsText("alice@example.com");
    admin.context().close();
    user.context().close();
  }

  @Test
  @Order(2)
  void admin_changesAUsersPassword_userLogsInWithTheNewOne() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/admin/users"));
    admin
        .locator("tr[data-user='alice@example.com']")
        .getByText("change the password using this form")
        .click();
    admin
        .getByLabel("New password", new Page.GetByLabelOptions().setExact(true))
        .fill("alice new 2");
    admin.getByLabel("New password again").fill("alice new 2");
    admin
        .getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change password"))
        .click();
    assertThat(admin.getByRole(AriaRole.STATUS)).containsText("Saved alice@example.com");

    Page user = newPage();
    login(user, "alice@example.com", "alice secret 1");
    assertThat(user).hasURL(platform.dashboard("/login"));
    login(user, "alice@example.com", "alice new 2");
    assertThat(user).hasURL(platform.dashboard("/jobs"));
    user.navigate(platform.dashboard("/profile"));
    assertThat(user.getByLabel("Log in with the command line"))
        .hasValue(java.util.regex.Pattern.compile("^racetrack login --remote http.* .+"));
    screenshot(user, "profile");
    admin.context().close();
    user.context().close();
  }

  @Test
  @Order(3)
  void jobsPage_showsFamiliesLiveAndEscapesMarkup() {
    Page admin = admin();
    admin.addInitScript("window.pwned = 0;");
    admin.navigate(platform.dashboard("/jobs"));
    deploy("shouter", Map.of("team", MARKUP));
    // the job appears without a reload: lifecycle's change event relayed over SSE
    assertThat(admin.locator("li.job[data-job='shouter']"))
        .isVisible(
            new com.microsoft.playwright.assertions.LocatorAssertions.IsVisibleOptions()
                .setTimeout(30_000));
    assertThat(admin.locator("li.job[data-job='shouter'] .label"))
        .containsText("<img src=x onerror=");
    assertThat(admin.evaluate("window.pwned")).isEqualTo(0);
    screenshot(admin, "jobs");

    admin.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("shouter v0.0.1")).click();
    assertThat(admin.locator("#manifest_yaml"))
        .hasValue(java.util.regex.Pattern.compile("onerror"));
    screenshot(admin, "job");
    admin.context().close();
  }

  @Test
  @Order(4)
  void logsPage_followsNewLinesLive_andEscapesThem() {
    Page admin = admin();
    admin.addInitScript("window.pwned = 0;");
    admin.navigate(platform.dashboard("/jobs/shouter/0.0.1/logs"));
    assertThat(admin.locator("#follow")).isAttached();
    String line = "<script>window.pwned=2</script> live-line-7f3a";
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              platform.perform(
                  "shouter", "0.0.1", "{\"text\": \"" + line.replace("\"", "\\\"") + "\"}");
              assertThat(admin.locator("#follow").textContent()).contains("live-line-7f3a");
            });
    assertThat(admin.locator("#follow")).containsText("<script>window.pwned=2</script>");
    assertThat(admin.evaluate("window.pwned")).isEqualTo(0);
    screenshot(admin, "logs");
    admin.context().close();
  }

  @Test
  @Order(5)
  void redeployAndManifestEdit_fromTheJobPage() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/jobs/shouter/0.0.1"));
    admin
        .getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Redeploy").setExact(true))
        .click();
    assertThat(admin).hasURL(java.util.regex.Pattern.compile("/dashboard/deployments\\?started="));
    String id = admin.url().replaceFirst(".*started=", "");
    assertThat(platform.awaitDeployment(id).path("status").asText()).isEqualTo("done");
    admin.reload();
    screenshot(admin, "deployments");

    admin.navigate(platform.dashboard("/jobs/shouter/0.0.1"));
    String yaml = admin.locator("#manifest_yaml").inputValue();
    assertThat(yaml).contains("dev@example.com");
    admin.locator("#manifest_yaml").fill(yaml.replace("dev@example.com", "edited@example.com"));
    admin
        .getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save and redeploy"))
        .click();
    assertThat(admin).hasURL(java.util.regex.Pattern.compile("/dashboard/deployments\\?started="));
    String second = admin.url().replaceFirst(".*started=", "");
    assertThat(platform.awaitDeployment(second).path("status").asText()).isEqualTo("done");
    JsonNode job = json(platform.get("/api/v1/job/shouter/0.0.1").body());
    assertThat(job.path("manifest_yaml").asText()).contains("edited@example.com");
    admin.context().close();
  }

  @Test
  @Order(6)
  void auditLog_filtersByFamilyAndByMe() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/audit"));
    assertThat(admin.locator("li.event").first()).isVisible();
    admin.getByLabel("Job family").fill("shouter");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(admin.locator("li.event").first()).containsText("shouter");
    for (String text : admin.locator("li.event .explanation").allTextContents()) {
      assertThat(text).contains("shouter");
    }
    screenshot(admin, "audit");
    admin.getByLabel("Job family").fill("no-such-family");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(admin.getByText("No events.")).isVisible();
    admin.context().close();
  }

  @Test
  @Order(7)
  void portfolio_filtersWithOperators_andDeletes() {
    deploy("portfolio-extra", Map.of());
    Page admin = admin();
    admin.navigate(platform.dashboard("/portfolio"));
    assertThat(admin.locator("tbody tr")).hasCount(2);
    screenshot(admin, "portfolio");
    admin.getByLabel("Filter Name").fill("{portf");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(admin.locator("tbody tr")).hasCount(1);
    assertThat(admin.locator("tbody tr")).hasAttribute("data-job", "portfolio-extra");
    admin.getByLabel("Filter Name").fill("!portf");
    admin.getByLabel("Filter Purge score").fill(">=0&&<1000");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(admin.locator("tbody tr")).hasCount(1);
    assertThat(admin.locator("tbody tr")).hasAttribute("data-job", "shouter");
    admin.getByLabel("Filter Name").fill("rgx:^(shouter|portfolio-extra)$");
    admin.getByLabel("Filter Purge score").fill("");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(admin.locator("tbody tr")).hasCount(2);
    admin.getByLabel("Filter Name").fill("rgx:(");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Filter")).click();
    assertThat(admin.getByRole(AriaRole.ALERT)).containsText("regular expression");

    admin.navigate(platform.dashboard("/portfolio?name=%7Bportf"));
    admin.getByText("Delete portfolio-extra v0.0.1").click();
    admin.getByLabel("Type the job's name, portfolio-extra, to confirm").fill("portfolio-extra");
    admin
        .getByRole(
            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete portfolio-extra v0.0.1"))
        .click();
    assertThat(admin).hasURL(java.util.regex.Pattern.compile("/dashboard/jobs"));
    assertThat(platform.get("/api/v1/job/portfolio-extra/0.0.1").statusCode()).isEqualTo(404);
    admin.context().close();
  }

  @Test
  @Order(8)
  void graph_clickOnANode_keepsOnlyItsNeighbours() {
    deploy("graph-other", Map.of()); // a family and a job that are no neighbours of shouter's job
    Page admin = admin();
    admin.navigate(platform.dashboard("/graph"));
    assertThat(admin.locator("#graph[data-ready='true']")).isAttached();
    com.microsoft.playwright.Locator items = admin.locator("#graph-nodes li");
    int all = items.count();
    assertThat(admin.locator("#graph")).hasAttribute("data-visible", Integer.toString(all));
    assertThat(
            items.filter(
                new com.microsoft.playwright.Locator.FilterOptions().setHasText("graph-other")))
        .hasCount(2);

    admin
        .locator("#graph-nodes button")
        .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("shouter"))
        .filter(new com.microsoft.playwright.Locator.FilterOptions().setHasText("(job)"))
        .first()
        .click();

    assertThat(admin.locator("#graph"))
        .hasAttribute("data-selected", java.util.regex.Pattern.compile(".+"));
    assertThat(admin.locator("#graph-details h2")).containsText("shouter");
    com.microsoft.playwright.Locator shown = admin.locator("#graph-nodes li:not([hidden])");
    // shouter's job and its family stay; the other family and its job are hidden
    assertThat(
            shown.filter(
                new com.microsoft.playwright.Locator.FilterOptions().setHasText("shouter")))
        .hasCount(2);
    assertThat(
            shown.filter(
                new com.microsoft.playwright.Locator.FilterOptions().setHasText("graph-other")))
        .hasCount(0);
    int kept = shown.count();
    assertThat(kept).isLessThan(all);
    assertThat(admin.locator("#graph")).hasAttribute("data-visible", Integer.toString(kept));
    assertThat(admin.locator("#graph-details p").last()).hasText((kept - 1) + " neighbours shown");
    screenshot(admin, "graph");

    admin.locator("#graph-reset").click();
    assertThat(admin.locator("#graph-nodes li:not([hidden])")).hasCount(all);
    assertThat(admin.locator("#graph"))
        .not()
        .hasAttribute("data-selected", java.util.regex.Pattern.compile(".*"));
    admin.context().close();
  }

  @Test
  @Order(9)
  void esc_createCopyTokenAndReset() {
    Page admin = admin();
    admin.addInitScript("window.pwned = 0;");
    admin.navigate(platform.dashboard("/admin/escs"));
    admin.getByLabel("Name").fill("<b onmouseover=\"window.pwned=3\">billing</b>");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create ESC")).click();
    assertThat(admin.locator("h1")).containsText("<b onmouseover=");
    String before = admin.getByLabel(java.util.regex.Pattern.compile("Caller token")).inputValue();
    assertThat(before).isNotBlank();
    screenshot(admin, "esc");
    admin.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Reset token")).click();
    assertThat(admin.getByRole(AriaRole.STATUS)).containsText("reset");
    String after = admin.getByLabel(java.util.regex.Pattern.compile("Caller token")).inputValue();
    assertThat(after).isNotBlank().isNotEqualTo(before);
    assertThat(admin.evaluate("window.pwned")).isEqualTo(0);
    admin.context().close();
  }

  @Test
  @Order(10)
  void maintenanceToggle_switchesLifecyclesMode() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/admin"));
    admin
        .getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Turn maintenance mode on"))
        .click();
    assertThat(admin.locator("#maintenance-state")).containsText("on");
    assertThat(json(platform.get("/api/v1/maintenance").body()).path("enabled").asBoolean())
        .isTrue();
    screenshot(admin, "admin");
    admin
        .getByRole(
            AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Turn maintenance mode off"))
        .click();
    assertThat(admin.locator("#maintenance-state")).containsText("off");
    assertThat(json(platform.get("/api/v1/maintenance").body()).path("enabled").asBoolean())
        .isFalse();
    admin.context().close();
  }

  @Test
  @Order(11)
  void crossSiteFormPost_isRefused() {
    Page admin = admin();
    // the same browser, logged in, on a page of another origin that posts to the dashboard
    admin.navigate("about:blank");
    admin.setContent(
        "<form id=f method=post action='"
            + platform.dashboard("/admin/maintenance")
            + "'><input name=enabled value=on></form>");
    admin.evaluate("document.getElementById('f').submit()");
    admin.waitForLoadState();
    assertThat(json(platform.get("/api/v1/maintenance").body()).path("enabled").asBoolean())
        .isFalse();

    // the session cookie itself without the form's CSRF token: refused too
    Optional<Cookie> session =
        admin.context().cookies(platform.dashboard("/")).stream()
            .filter(c -> c.name.equals("racetrack_dashboard"))
            .findFirst();
    assertThat(session).isPresent();
    HttpResponse<String> forged =
        platform.send(
            HttpRequest.newBuilder(URI.create(platform.dashboard("/admin/maintenance")))
                .header("Cookie", "racetrack_dashboard=" + session.get().value)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("enabled=on&_csrf=guessed")));
    assertThat(forged.statusCode()).isEqualTo(403);
    assertThat(forged.body()).contains("CSRF");
    assertThat(json(platform.get("/api/v1/maintenance").body()).path("enabled").asBoolean())
        .isFalse();
    admin.context().close();
  }

  @Test
  @Order(12)
  void keyboardOnly_logsInAndOpensAJob() {
    Page page = newPage();
    page.navigate(platform.dashboard("/login"));
    Keyboard keys = page.keyboard();
    // the username field has focus on load; everything else is Tab, typing and Enter
    keys.type("admin");
    keys.press("Tab");
    keys.type(PlatformFixture.ADMIN_PASSWORD);
    keys.press("Enter");
    assertThat(page).hasURL(platform.dashboard("/jobs"));
    for (int i = 0; i < 60; i++) {
      keys.press("Tab");
      Object href = page.evaluate("() => document.activeElement.getAttribute('href')");
      if ("/dashboard/jobs/shouter/0.0.1".equals(href)) {
        keys.press("Enter");
        assertThat(page).hasURL(platform.dashboard("/jobs/shouter/0.0.1"));
        page.context().close();
        return;
      }
    }
    throw new AssertionError("the job's link was never reached with the Tab key");
  }

  @Test
  @Order(13)
  void phoneWidth_mainPagesFitWithoutSideScrolling() {
    BrowserContext phone =
        browser.newContext(
            new Browser.NewContextOptions().setViewportSize(390, 844).setIsMobile(true));
    Page page = phone.newPage();
    login(page, "admin", PlatformFixture.ADMIN_PASSWORD);
    assertThat(page).hasURL(platform.dashboard("/jobs"));
    for (String path : List.of("/jobs", "/jobs/shouter/0.0.1", "/audit", "/admin", "/profile")) {
      page.navigate(platform.dashboard(path));
      Object width = page.evaluate("() => document.documentElement.scrollWidth");
      assertThat(((Number) width).intValue()).as(path).isLessThanOrEqualTo(390);
    }
    page.navigate(platform.dashboard("/jobs"));
    screenshot(page, "jobs-phone");
    phone.close();
  }

  @Test
  @Order(14)
  void deleteFromTheJobPage_namesTheJobAndRemovesIt() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/jobs/shouter/0.0.1"));
    admin.getByText("Delete…").click();
    assertThat(admin.getByRole(AriaRole.ALERT)).containsText("Delete job shouter version 0.0.1");
    admin.getByLabel("Type the job's name, shouter, to confirm").fill("wrong");
    admin
        .getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete shouter v0.0.1"))
        .click();
    assertThat(admin.getByRole(AriaRole.ALERT)).containsText("type the job's name");
    assertThat(platform.get("/api/v1/job/shouter/0.0.1").statusCode()).isEqualTo(200);
    admin.goBack();
    admin.getByLabel("Type the job's name, shouter, to confirm").fill("shouter");
    admin
        .getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete shouter v0.0.1"))
        .click();
    assertThat(admin).hasURL(java.util.regex.Pattern.compile("/dashboard/jobs"));
    assertThat(platform.get("/api/v1/job/shouter/0.0.1").statusCode()).isEqualTo(404);
    admin.context().close();
  }

  @Test
  @Order(15)
  void recordBrowser_showsStoredRecordsReadOnly() {
    Page admin = admin();
    admin.navigate(platform.dashboard("/admin/records/users"));
    assertThat(admin.locator("table.records")).containsText("alice@example.com");
    assertThat(admin.locator("table.records")).not().containsText("pbkdf2");
    admin
        .getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("deployments").setExact(true))
        .click();
    assertThat(admin.locator("table.records thead")).containsText("build_logs");
    assertThat(admin.locator("table.records tbody")).containsText("shouter");
    screenshot(admin, "records");
    admin.context().close();
  }
}
