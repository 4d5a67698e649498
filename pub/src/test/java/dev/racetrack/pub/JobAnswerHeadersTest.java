package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
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
    List<HttpHead.Field> out =
        new JobAnswerHeaders(Set.of())
            .apply(
                "adder",
                List.of(
                    new HttpHead.Field("Content-Type", "text/html"),
                    new HttpHead.Field("x-content-type-options", "none")));

    assertThat(out)
        .containsExactly(
            new HttpHead.Field("Content-Type", "text/html"),
            new HttpHead.Field("X-Content-Type-Options", "nosniff"),
            new HttpHead.Field("Content-Security-Policy", "sandbox"));
  }

  @Test
  void apply_approvedWebview_isNotSandboxed() {
    assertThat(new JobAnswerHeaders(Set.of("adder")).apply("adder", List.of()))
        .containsExactly(new HttpHead.Field("X-Content-Type-Options", "nosniff"));
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
