package dev.racetrack.model.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ManifestResourceNameTest {

  @Test
  void resourceName_plainVersion_keepsTheFamiliarForm() {
    assertThat(Manifest.resourceName("adder", "0.0.1")).isEqualTo("job-adder-v-0-0-1");
    assertThat(Manifest.resourceName("adder", "10.20.30")).isEqualTo("job-adder-v-10-20-30");
  }

  @Test
  void resourceName_versionsDifferingOnlyInPunctuationOrCase_neverCollide() {
    List<String[]> jobs =
        List.of(
            new String[] {"adder", "1.0.0+x"},
            new String[] {"adder", "1.0.0-x"},
            new String[] {"adder", "1.0.0-X"},
            new String[] {"adder", "1.0.0-x.1"},
            new String[] {"adder", "1.0.0-x-1"},
            new String[] {"adder", "1.0.0-x1"},
            new String[] {"adder", "1.0.0"},
            new String[] {"adder", "1.0.0-h"},
            new String[] {"adder-v-1", "0.0.0"},
            new String[] {"adder", "1.0.0+v-1"},
            new String[] {"adder", "1.0.0-rc.1+build.5"});
    Map<String, String> seen = new HashMap<>();
    for (String[] job : jobs) {
      String name = Manifest.resourceName(job[0], job[1]);
      assertThat(name).matches("[a-z0-9-]+");
      String before = seen.put(name, job[0] + " " + job[1]);
      assertThat(before).as(job[0] + " " + job[1] + " -> " + name).isNull();
    }
    assertThat(Manifest.resourceName("adder", "1.0.0+x")).isEqualTo("job-adder-v-1-0-0-px");
    assertThat(Manifest.resourceName("adder", "1.0.0-x")).isEqualTo("job-adder-v-1-0-0-hx");
  }
}
