package dev.racetrack.model.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.model.error.ValidationException;
import org.junit.jupiter.api.Test;

class QuantityTest {

  @Test
  void parse_binaryAndDecimalSuffixes() {
    assertThat(Quantity.parse("256Mi", "m").longValue()).isEqualTo(256L * 1024 * 1024);
    assertThat(Quantity.parse("1Gi", "m").longValue()).isEqualTo(1024L * 1024 * 1024);
    assertThat(Quantity.parse("1k", "m").longValue()).isEqualTo(1000);
    assertThat(Quantity.parse("500m", "c").value()).isEqualByComparingTo("0.5");
    assertThat(Quantity.parse("2", "c").value()).isEqualByComparingTo("2");
    assertThat(Quantity.parse("1Gi", "a")).isGreaterThan(Quantity.parse("1000Mi", "b"));
  }

  @Test
  void parse_whenMalformed_namesField() {
    assertThatThrownBy(() -> Quantity.parse("12XB", "resources.memory_max"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("resources.memory_max")
        .hasMessageContaining("12XB");
  }

  @Test
  void parse_exponentsAndFractions_asKubernetesDoes() {
    assertThat(Quantity.parse("1e3", "c").value()).isEqualByComparingTo("1000");
    assertThat(Quantity.parse("1.5Gi", "m").longValue()).isEqualTo(1536L * 1024 * 1024);
    assertThat(Quantity.parse(".5", "c").value()).isEqualByComparingTo("0.5");
  }

  @Test
  void parse_whenNegativeOrSigned_isRefused() {
    assertThatThrownBy(() -> Quantity.parse("-1Gi", "resources.memory_max"))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("-1Gi");
    assertThatThrownBy(() -> Quantity.parse("+1", "resources.cpu_max"))
        .isInstanceOf(ValidationException.class);
  }

  @Test
  void ofBytes_usesTheLargestBinarySuffixThatDividesIt() {
    assertThat(Quantity.ofBytes(java.math.BigInteger.valueOf(1L << 30)).text()).isEqualTo("1Gi");
    assertThat(Quantity.ofBytes(java.math.BigInteger.valueOf(3L << 20)).text()).isEqualTo("3Mi");
    assertThat(Quantity.ofBytes(java.math.BigInteger.valueOf(1000)).text()).isEqualTo("1000");
  }
}
