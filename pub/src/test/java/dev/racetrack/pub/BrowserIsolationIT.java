package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.testsupport.Processes;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real (headless) Chromium opens a job's page through PUB: the page's script must not run, so it
 * can read no credential and call neither lifecycle nor another job with the browser's authority. A
 * job whose webview an admin approved is the control: there the same script runs. Skipped loudly
 * without {@code chromium} (required in CI).
 */
class BrowserIsolationIT {
  private static final String PAGE =
      """
      <!doctype html><html><body><div id="out">script did not run</div>
      <script>
      document.getElementById('out').textContent =
          'script ran: origin=' + window.origin + ' cookie=[' + document.cookie + ']';
      </script></body></html>
      """;

  @TempDir Path profile;
  private FakeLifecycleFixture lifecycle;
  private FakeJobFixture job;
  private PubFixture pub;

  @BeforeEach
  void start() {
    lifecycle = FakeLifecycleFixture.start();
    job = FakeJobFixture.start();
    lifecycle.permitAll(job.internalName(), Optional.empty());
    pub = PubFixture.start(lifecycle);
    job.answerWith(200, Map.of("Content-Type", "text/html; charset=utf-8"), PAGE);
  }

  @AfterEach
  void stop() {
    pub.close();
    job.close();
    lifecycle.close();
  }

  @Test
  void jobPage_inABrowser_runsNoScript() throws Exception {
    Path chromium = Tools.require("chromium");

    String dom = dumpDom(chromium, "/pub/job/adder/latest/page");

    // The page's source holds the script's text too: look at what the div shows.
    assertThat(dom)
        .contains("<div id=\"out\">script did not run</div>")
        .doesNotContain("<div id=\"out\">script ran");
  }

  @Test
  void approvedWebview_inABrowser_runsItsScript() throws Exception {
    Path chromium = Tools.require("chromium");

    String dom = dumpDom(chromium, "/pub/job/" + PubFixture.WEBVIEW_JOB + "/latest/page");

    assertThat(dom).contains("<div id=\"out\">script ran: origin=");
  }

  /** The page's DOM after its scripts ran, as headless Chromium prints it. */
  private String dumpDom(Path chromium, String path) throws IOException, InterruptedException {
    Path output = Files.createTempFile(profile, "dom", ".html");
    Process process =
        new ProcessBuilder(
                List.of(
                    chromium.toString(),
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--no-first-run",
                    "--user-data-dir=" + profile.resolve("profile"),
                    "--virtual-time-budget=3000",
                    "--dump-dom",
                    pub.uri(path).toString()))
            .redirectOutput(output.toFile())
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        throw new AssertionError("chromium did not finish within 60 s");
      }
      return Files.readString(output, StandardCharsets.UTF_8);
    } finally {
      endEveryProcessOf(process);
    }
  }

  /**
   * Ends the browser and any helper of it still using the profile (a crash handler, say), and waits
   * for them: JUnit deletes the profile next, and a process still writing there fails that.
   */
  private void endEveryProcessOf(Process browser) throws InterruptedException {
    String dir = profile.toString();
    List<ProcessHandle> left =
        Stream.concat(
                Stream.of(browser.toHandle()),
                ProcessHandle.allProcesses()
                    .filter(p -> p.info().commandLine().map(c -> c.contains(dir)).orElse(false)))
            .filter(ProcessHandle::isAlive)
            .toList();
    Processes.killAndWait(left, Duration.ofSeconds(10));
  }
}
