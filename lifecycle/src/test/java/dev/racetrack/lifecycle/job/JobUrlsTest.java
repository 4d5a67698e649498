package dev.racetrack.lifecycle.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class JobUrlsTest {
  @Test
  void of_withoutJobDomain_isUnderPub() {
    assertThat(JobUrls.underPub("http://127.0.0.1:7205/pub").of("adder", "1.0.0"))
        .isEqualTo("http://127.0.0.1:7205/pub/job/adder/1.0.0");
  }

  @Test
  void of_withJobDomain_isTheJobsHost_withPubsSchemeAndPort() {
    assertThat(
            new JobUrls("https://jobs.example.com/pub", Optional.of("jobs.example.com"))
                .of("adder", "1.0.0"))
        .isEqualTo("https://adder.jobs.example.com/pub/job/adder/1.0.0");
    assertThat(
            new JobUrls("http://127.0.0.1:7205/pub", Optional.of(" Local.Test "))
                .of("adder", "2.0.0-rc.1"))
        .isEqualTo("http://adder.local.test:7205/pub/job/adder/2.0.0-rc.1");
  }

  @Test
  void new_withAJobDomainThatIsNoDomain_isRefusedNamingTheVariable() {
    assertThatThrownBy(
            () -> new JobUrls("http://127.0.0.1:7205/pub", Optional.of("*.jobs.example.com")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("PUB_JOB_DOMAIN");
  }
}
