package dev.racetrack.server;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import dev.racetrack.testsupport.Tools;
import java.util.List;
import java.util.Map;

/**
 * The system Chromium, headless, driven by Playwright without its own browser download: skips (or,
 * in CI, fails) the calling test when chromium is not on PATH.
 */
final class HeadlessChromium implements AutoCloseable {
  private final Playwright playwright;
  private final Browser browser;

  HeadlessChromium() {
    var chromium = Tools.require("chromium");
    playwright =
        Playwright.create(
            new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    try {
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
    } catch (RuntimeException e) {
      playwright.close();
      throw e;
    }
  }

  Browser browser() {
    return browser;
  }

  @Override
  public void close() {
    browser.close();
    playwright.close();
  }
}
