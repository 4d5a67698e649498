package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What keeps jobs, their pages and browsers' credentials apart at PUB (issue #7): jobs get PUB's
 * per-job secret and no client's, answers are sandboxed, job cookies stay on the job's path, and
 * the token cookie is set by PUB for one job only.
 */
class TrustBoundaryIT {
  private static final String TOKEN = "token-of-alice";
  private static final String PERFORM = "/pub/job/adder/latest/api/v1/perform";

  private FakeLifecycleFixture lifecycle;
  private FakeJobFixture job;
  private PubFixture pub;

  @BeforeEach
  void start() {
    lifecycle = FakeLifecycleFixture.start();
    job = FakeJobFixture.start();
    lifecycle.permitAll(job.internalName(), Optional.of("User alice"));
    pub = PubFixture.start(lifecycle);
  }

  @AfterEach
  void stop() {
    pub.close();
    job.close();
    lifecycle.close();
  }

  private HttpResponse<String> perform(String... headers) {
    HttpRequest.Builder request =
        pub.request(PERFORM)
            .header("X-Racetrack-Auth", TOKEN)
            .POST(HttpRequest.BodyPublishers.ofString("{}"));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return pub.send(request.build());
  }

  @Test
  void jobSecret_everyForwardedCall_carriesTheSecretOfTheResolvedJobVersion() {
    perform(); // the gateway decides (and caches the permit)
    perform(); // the front forwards it itself when it runs

    String expected = PubFixture.SECRETS.secret("adder", FakeLifecycleFixture.RESOLVED_VERSION);
    assertThat(job.received()).hasSize(2);
    for (FakeJobFixture.Received received : job.received()) {
      assertThat(received.headers().get("X-Racetrack-Job-Secret")).containsExactly(expected);
    }
  }

  @Test
  void jobSecret_suppliedByTheClient_neverReachesTheJob() {
    perform("X-Racetrack-Job-Secret", "forged");
    perform("x-racetrack-job-secret", "forged");

    String expected = PubFixture.SECRETS.secret("adder", FakeLifecycleFixture.RESOLVED_VERSION);
    for (FakeJobFixture.Received received : job.received()) {
      assertThat(received.headers().get("X-Racetrack-Job-Secret")).containsExactly(expected);
    }
  }

  @Test
  void answers_getNosniffAndASandboxedContentSecurityPolicy() {
    job.answerWith(
        200,
        Map.of("Content-Type", "text/html", "X-Content-Type-Options", "off"),
        "<script>fetch('/lifecycle/api/v1/job')</script>");

    for (HttpResponse<String> response : List.of(perform(), perform())) {
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().allValues("X-Content-Type-Options")).containsExactly("nosniff");
      assertThat(response.headers().allValues("Content-Security-Policy"))
          .containsExactly("sandbox");
    }
  }

  @Test
  void answers_ofAJobWithAnApprovedWebview_areNotSandboxed() {
    job.answerWith(200, Map.of("Content-Type", "text/html"), "<p>webview</p>");
    String path = "/pub/job/" + PubFixture.WEBVIEW_JOB + "/latest/";

    HttpResponse<String> response =
        pub.get(path + "webview", "X-Racetrack-Auth", TOKEN, "Accept", "text/html");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Security-Policy")).isEmpty();
    assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }

  @Test
  void jobCookies_areConfinedToTheJobsPath() {
    job.answerWith(
        200, Map.of("Set-Cookie", "session=abc; Path=/; Domain=127.0.0.1; HttpOnly"), "{}");

    for (HttpResponse<String> response : List.of(perform(), perform())) {
      assertThat(response.headers().allValues("Set-Cookie"))
          .containsExactly("session=abc; HttpOnly; Path=/pub/job/adder/");
    }
  }

  @Test
  void jobCookies_namedLikePubsCredential_areDropped() {
    job.answerWith(200, Map.of("Set-Cookie", "X-Racetrack-Auth-other=stolen; Path=/"), "{}");

    assertThat(perform().headers().allValues("Set-Cookie")).isEmpty();
  }

  @Test
  void tokenForm_setsAnHttpOnlyStrictCookieForTheJobsPathOnly() {
    HttpResponse<String> response =
        postToken("adder", "token=" + TOKEN + "&back=/pub/job/adder/1/");

    assertThat(response.statusCode()).isEqualTo(303);
    assertThat(response.headers().firstValue("Location")).contains("/pub/job/adder/1/");
    assertThat(response.headers().allValues("Set-Cookie"))
        .singleElement()
        .satisfies(c -> AuthCookiesTest.assertAdderCookie(c, TOKEN, "/pub/job/adder/", false));
  }

  @Test
  void tokenForm_behindHttps_setsASecureCookie() {
    HttpResponse<String> response =
        postToken("adder", "token=" + TOKEN, "X-Forwarded-Proto", "https");

    assertThat(response.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure");
  }

  @Test
  void tokenForm_backToAnotherPlace_goesToTheJobInstead() {
    HttpResponse<String> response = postToken("adder", "token=t&back=//evil.example/");

    assertThat(response.headers().firstValue("Location")).contains("/pub/job/adder/latest/");
  }

  @Test
  void tokenForm_fromPubsOwnPage_isAccepted() {
    HttpResponse<String> response =
        postToken("adder", "token=t", "Origin", "http://" + pub.hostAndPort());

    assertThat(response.statusCode()).isEqualTo(303);
  }

  @Test
  void tokenForm_fromAnotherSiteOrASandboxedPage_isRefused() {
    for (String[] headers :
        List.of(
            new String[] {"Origin", "http://evil.example"},
            new String[] {"Origin", "null"},
            new String[] {"Sec-Fetch-Site", "cross-site"})) {
      HttpResponse<String> response = postToken("adder", "token=t", headers);

      assertThat(response.statusCode()).as(String.join(": ", headers)).isEqualTo(403);
      assertThat(response.headers().allValues("Set-Cookie")).isEmpty();
    }
  }

  @Test
  void tokenCookie_ofTheJob_isTheTokenForThatJob() {
    pub.get("/pub/job/adder/latest/x", "Cookie", "X-Racetrack-Auth-adder=" + TOKEN);

    assertThat(lifecycle.lastCall().token()).contains(TOKEN);
    assertThat(job.onlyRequest().header("Cookie")).isEmpty();
  }

  @Test
  void tokenCookie_ofAnotherJobOrSiteWide_isNoTokenForThisJob() {
    pub.get(
        "/pub/job/other/latest/x",
        "Cookie",
        "X-Racetrack-Auth-adder=" + TOKEN + "; X-Racetrack-Auth=" + TOKEN + "; theme=dark");

    assertThat(lifecycle.lastCall().job()).isEqualTo("other");
    assertThat(lifecycle.lastCall().token()).isEmpty();
    assertThat(job.onlyRequest().headers().get("Cookie")).containsExactly("theme=dark");
  }

  private HttpResponse<String> postToken(String jobName, String form, String... headers) {
    HttpRequest.Builder request =
        pub.request("/pub/job/" + jobName + "/_token")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return pub.send(request.build());
  }
}
