package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JobAnswerHeadersTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "a=1|a=1; Path=/pub/job/adder/",
        "a=1; Path=/|a=1; Path=/pub/job/adder/",
        "a=1; path=/pub/job/other/|a=1; Path=/pub/job/adder/",
        "a=1; Path=/pub/job/adder/1.0/x|a=1; Path=/pub/job/adder/1.0/x",
        "a=1; Path=/pub/job/adder/../other/|a=1; Path=/pub/job/adder/",
        "a=1; Domain=example.com; Secure; SameSite=Lax|a=1; Secure; SameSite=Lax; Path=/pub/job/adder/",
        "a=1;DOMAIN=.x;HttpOnly;|a=1; HttpOnly; Path=/pub/job/adder/",
      })
  void cookie_isConfinedToTheJobsPath(String job, String expected) {
    assertThat(JobAnswerHeaders.cookie("adder", job)).contains(expected);
  }

  @ParameterizedTest
  @CsvSource({"X-Racetrack-Auth=x", "x-racetrack-auth-adder=y; Path=/pub/job/adder/"})
  void cookie_namedLikeTheAuthCookie_isDropped(String job) {
    assertThat(JobAnswerHeaders.cookie("adder", job)).isEmpty();
  }

  @Test
  void apply_addsNosniffAndSandbox_replacingTheJobsNosniffChoice() {
    HttpHeaders headers =
        new DefaultHttpHeaders()
            .add("Content-Type", "text/html")
            .add("x-content-type-options", "none");

    new JobAnswerHeaders(Set.of()).apply("adder", false, headers);

    assertThat(headers.getAll("Content-Type")).containsExactly("text/html");
    assertThat(headers.getAll("X-Content-Type-Options")).containsExactly("nosniff");
    assertThat(headers.getAll("Content-Security-Policy")).containsExactly("sandbox");
    assertThat(headers.size()).isEqualTo(3);
  }

  @Test
  void apply_approvedWebview_isNotSandboxed() {
    HttpHeaders headers = new DefaultHttpHeaders();

    new JobAnswerHeaders(Set.of("adder")).apply("adder", false, headers);

    assertThat(headers.getAll("X-Content-Type-Options")).containsExactly("nosniff");
    assertThat(headers.size()).isEqualTo(1);
  }

  @Test
  void apply_jobCookies_areConfinedAndAuthCookiesDropped() {
    HttpHeaders headers =
        new DefaultHttpHeaders()
            .add("Set-Cookie", "s=1; Domain=evil.test")
            .add("Set-Cookie", "X-Racetrack-Auth-adder=x");

    new JobAnswerHeaders(Set.of()).apply("adder", false, headers);

    assertThat(headers.getAll("Set-Cookie")).containsExactly("s=1; Path=/pub/job/adder/");
  }

  @Test
  void cookie_onTheJobsOwnHost_keepsItsPathButLosesItsDomain() {
    assertThat(JobAnswerHeaders.cookie("adder", true, "s=1; Path=/app; Domain=jobs.test"))
        .contains("s=1; Path=/app");
    assertThat(JobAnswerHeaders.cookie("adder", true, "s=1")).contains("s=1; Path=/");
    assertThat(JobAnswerHeaders.cookie("adder", true, "X-Racetrack-Auth-adder=x; Path=/"))
        .isEmpty();
  }
}
