package dev.racetrack.model.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import org.junit.jupiter.api.Test;

class JobCallSecretsTest {
  private static final String KEY = "0123456789abcdef0123456789abcdef";

  @Test
  void secret_sameKeyAndJob_isStable() {
    assertThat(new JobCallSecrets(KEY).secret("adder", "1.0.0"))
        .isEqualTo(new JobCallSecrets(KEY).secret("adder", "1.0.0"))
        .matches("[A-Za-z0-9_-]{43}");
  }

  @Test
  void secret_isTheDocumentedHmac() {
    // HMAC-SHA256(key, "adder" NUL "1.0.0"), base64url without padding (docs/job-contract.md),
    // as computed by python's hmac module
    assertThat(new JobCallSecrets(KEY).secret("adder", "1.0.0"))
        .isEqualTo("u29EK7PeYuhCJMxCmEA1vuhR9NjezHfznHS7aSR00Y0");
  }

  @Test
  void secret_otherJobVersionOrKey_differs() {
    JobCallSecrets secrets = new JobCallSecrets(KEY);
    String adder = secrets.secret("adder", "1.0.0");
    assertThat(secrets.secret("adder", "1.0.1")).isNotEqualTo(adder);
    assertThat(secrets.secret("adde", "r1.0.0")).isNotEqualTo(adder);
    assertThat(new JobCallSecrets(KEY + "x").secret("adder", "1.0.0")).isNotEqualTo(adder);
  }

  @Test
  void constructor_shortKey_isRefusedNamingTheVariable() {
    assertThatThrownBy(() -> new JobCallSecrets("short"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("JOB_CALL_KEY");
  }

  @Test
  void toString_neverShowsTheKey() {
    assertThat(new JobCallSecrets(KEY).toString()).doesNotContain(KEY);
  }
}
