package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.cookie.ClientCookieDecoder;
import io.netty.handler.codec.http.cookie.CookieHeaderNames;
import io.netty.handler.codec.http.cookie.DefaultCookie;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AuthCookiesTest {
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
        "';; theme=dark;'                                  | theme=dark",
        "a=\"quoted value\"; b=2                           | a=\"quoted value\"; b=2",
        "flag; a=1                                         | a=1",
        "''                                                | ''",
      })
  void withoutAuthCookies_keepsEveryOtherCookie(String header, String expected) {
    assertThat(AuthCookies.withoutAuthCookies(header)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "X-Racetrack-Auth-adder=tok",
        "theme=dark; X-Racetrack-Auth-adder=\"tok\"",
        "' X-Racetrack-Auth-adder = tok ; a=1'",
        "X-Racetrack-Auth-adder=%74ok",
        "X-Racetrack-Auth-other=no; X-Racetrack-Auth-adder=tok",
      })
  void token_isReadFromThisJobsCookie(String header) {
    assertThat(AuthCookies.token(List.of(header), "adder")).contains("tok");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "X-Racetrack-Auth=tok",
        "X-Racetrack-Auth-other=tok",
        "X-Racetrack-Auth-adder=",
        "X-Racetrack-Auth-adder",
        "a=X-Racetrack-Auth-adder=tok"
      })
  void token_fromAnotherCookie_isNone(String header) {
    assertThat(AuthCookies.token(List.of(header), "adder")).isEmpty();
  }

  @Test
  void setCookie_isHttpOnlyStrictForTheJobsPath_andSecureOnlyWhenAsked() {
    DefaultCookie plain =
        (DefaultCookie)
            ClientCookieDecoder.STRICT.decode(
                AuthCookies.setCookie("adder", "a b+c", "/pub/job/adder/", false));
    DefaultCookie secure =
        (DefaultCookie)
            ClientCookieDecoder.STRICT.decode(
                AuthCookies.setCookie("adder", "t", "/pub/job/adder/", true));

    assertThat(plain.name()).isEqualTo("X-Racetrack-Auth-adder");
    assertThat(AuthCookies.decoded(plain.value())).isEqualTo("a b+c");
    assertThat(plain.path()).isEqualTo("/pub/job/adder/");
    assertThat(plain.maxAge()).isEqualTo(2_678_400L);
    assertThat(plain.isHttpOnly()).isTrue();
    assertThat(plain.sameSite()).isEqualTo(CookieHeaderNames.SameSite.Strict);
    assertThat(plain.isSecure()).isFalse();
    assertThat(secure.isSecure()).isTrue();
  }

  @Test
  void clearCookie_expiresTheCookieAtOnce() {
    String header = AuthCookies.clearCookie("adder", "/", true);

    assertThat(header).startsWith("X-Racetrack-Auth-adder=;").contains("Max-Age=0");
    assertThat(ClientCookieDecoder.STRICT.decode(header).path()).isEqualTo("/");
  }

  /** Asserts {@code header} sets the auth cookie of job adder to {@code value} as PUB does. */
  static void assertAdderCookie(String header, String value, String path, boolean secure) {
    DefaultCookie cookie = (DefaultCookie) ClientCookieDecoder.STRICT.decode(header);
    assertThat(cookie).as(header).isNotNull();
    assertThat(cookie.name()).isEqualTo("X-Racetrack-Auth-adder");
    assertThat(cookie.value()).isEqualTo(value);
    assertThat(cookie.path()).isEqualTo(path);
    assertThat(cookie.domain()).isNull();
    assertThat(cookie.maxAge()).isEqualTo(2_678_400L);
    assertThat(cookie.isHttpOnly()).isTrue();
    assertThat(cookie.sameSite()).isEqualTo(CookieHeaderNames.SameSite.Strict);
    assertThat(cookie.isSecure()).as(header).isEqualTo(secure);
  }
}
