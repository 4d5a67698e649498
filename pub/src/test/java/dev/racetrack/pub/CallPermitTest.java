package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CallPermitTest {
  private static CallPermit permit(List<String> replicas) {
    return new CallPermit(
        "adder",
        "1.0.0",
        "127.0.0.1:7001",
        "running",
        Optional.empty(),
        Optional.empty(),
        0,
        0,
        replicas);
  }

  @Test
  void upstream_withoutReplicas_isTheJobsAddress() {
    assertThat(permit(List.of()).upstream()).isEqualTo("127.0.0.1:7001");
    assertThat(permit(List.of("127.0.0.1:7001")).upstream()).isEqualTo("127.0.0.1:7001");
  }

  @Test
  void upstream_withTwoReplicas_spreadsCallsOverBoth() {
    CallPermit permit = permit(List.of("127.0.0.1:7001", "127.0.0.1:7002"));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      seen.add(permit.upstream());
    }
    // 100 random picks miss one of two replicas with probability 2^-99
    assertThat(seen).containsExactlyInAnyOrder("127.0.0.1:7001", "127.0.0.1:7002");
  }
}
