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
}
