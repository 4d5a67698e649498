package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ForwardedRequestTest {
  @ParameterizedTest(name = "[{index}] \"{0}\" -> \"{1}\"")
  @CsvSource(
      delimiter = '|',
      emptyValue = "",
      value = {
        "X-Racetrack-Auth=tok                              | ''",
        "theme=dark; X-Racetrack-Auth=tok; lang=en         | theme=dark; lang=en",
        "X-Racetrack-Auth=tok;theme=dark                   | theme=dark",
        "theme=dark;X-Racetrack-Auth=\"quoted\"            | theme=dark",
        "X-Racetrack-Auth =tok; theme=dark                 | theme=dark",
        "'  X-Racetrack-Auth\t= tok ;theme=dark'           | theme=dark",
        "X-Racetrack-Auth; theme=dark                      | theme=dark",
        "X-Racetrack-Auth=a; X-Racetrack-Auth=b            | ''",
        "X-Racetrack-Auth-adder=a; x-racetrack-auth-other=b; k=v | k=v",
        "theme=dark; lang=en                               | theme=dark; lang=en",
        "X-Racetrack-Auth2=x; My-X-Racetrack-Auth=y        | X-Racetrack-Auth2=x; My-X-Racetrack-Auth=y",
        "x-racetrack-auth=other-case; a=1                  | a=1",
        "a=X-Racetrack-Auth=tok                            | a=X-Racetrack-Auth=tok",
        "';; theme=dark ;'                                 | theme=dark",
        "''                                                | ''",
      })
  void withoutAuthCookie_keepsEveryOtherCookie(String header, String expected) {
    assertThat(ForwardedRequest.withoutAuthCookie(header)).isEqualTo(expected);
  }
}
