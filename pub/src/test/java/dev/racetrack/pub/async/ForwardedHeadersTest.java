package dev.racetrack.pub.async;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.pub.exchange.PubRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForwardedHeadersTest {
  @ParameterizedTest
  @CsvSource({"http", "https"})
  void of_forwardsTheSchemeTheCallerUsed_notTheCallersClaim(String scheme) {
    PubRequest request =
        new PubRequest(
            "POST",
            "/pub/async/new/job/adder/1.0.0/api/v1/perform",
            "",
            List.of(Map.entry("Host", "pub.example.com"), Map.entry("X-Forwarded-Proto", "ftp")),
            new byte[0],
            "127.0.0.9",
            scheme);

    Map<String, String> headers = ForwardedHeaders.of(request, Optional.empty());

    assertThat(headers).containsEntry("X-Forwarded-Proto", scheme);
    assertThat(headers).containsEntry("X-Forwarded-Host", "pub.example.com");
    assertThat(headers).doesNotContainValue("ftp");
  }
}
