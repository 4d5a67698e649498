package dev.racetrack.lifecycle.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.UnauthorizedException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** The token wire format stays the original Racetrack's (§4.1). */
class JwtTest {
  private static final String KEY = "a-key-of-at-least-thirty-two-bytes!";

  /** A token as the original (PyJWT) and the earlier hand-written signer made it. */
  private static String originalToken(String payloadJson) throws Exception {
    Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
    String input =
        b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + b64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return input + "." + b64.encodeToString(mac.doFinal(input.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void decode_originalFormatToken_isAccepted() throws Exception {
    TokenPayload payload =
        new Jwt(KEY)
            .decode(
                originalToken(
                    "{\"seed\": \"ce081b05-a4a0-414a-8f6a-84c0231916a6\", \"subject\": \"admin\","
                        + " \"subject_type\": \"user\", \"scopes\": null}"));
    assertThat(payload)
        .isEqualTo(
            new TokenPayload(
                "ce081b05-a4a0-414a-8f6a-84c0231916a6",
                "admin",
                SubjectType.USER,
                Optional.empty()));
  }

  @Test
  void encode_userToken_hasExactlyTheOriginalClaims() throws Exception {
    String token =
        new Jwt(KEY).encode(new TokenPayload("s", "admin", SubjectType.USER, Optional.empty()));
    String[] parts = token.split("\\.");
    JsonNode header = Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[0]));
    JsonNode payload = Json.mapper().readTree(Base64.getUrlDecoder().decode(parts[1]));
    assertThat(header.path("alg").asText()).isEqualTo("HS256");
    assertThat(header.path("typ").asText()).isEqualTo("JWT");
    assertThat(payload.properties()).hasSize(4);
    assertThat(payload.get("scopes").isNull()).isTrue();
    assertThat(payload.path("subject_type").asText()).isEqualTo("user");
  }

  @Test
  void decode_unknownClaimOrOtherAlgorithm_isRefused() throws Exception {
    Jwt jwt = new Jwt(KEY);
    assertThatThrownBy(
            () ->
                jwt.decode(
                    originalToken(
                        "{\"seed\": \"s\", \"subject\": \"admin\", \"subject_type\": \"user\","
                            + " \"scopes\": null, \"admin\": true}")))
        .isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("unexpected payload field admin");
    String none =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8))
            + "."
            + originalToken("{\"seed\": \"s\", \"subject\": \"admin\", \"subject_type\": \"user\"}")
                .split("\\.")[1]
            + ".";
    assertThatThrownBy(() -> jwt.decode(none)).isInstanceOf(UnauthorizedException.class);
  }

  @Test
  void constructor_keyShorterThan32Bytes_isRefusedNamingAuthKey() {
    assertThatThrownBy(() -> new Jwt("short"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AUTH_KEY");
  }
}
