package dev.racetrack.lifecycle.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.UnauthorizedException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HS256 JSON Web Tokens with the platform's payload (§4.1), signed with {@code AUTH_KEY}. Parsing
 * is strict: a wrong algorithm, an unknown payload key or a bad signature is an invalid token.
 */
public final class Jwt {
  private static final String HEADER =
      base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
  private static final Set<String> PAYLOAD_KEYS =
      Set.of("seed", "subject", "subject_type", "scopes");
  private static final String INVALID = "invalid JWT token";

  private final SecretKeySpec key;

  public Jwt(String authKey) {
    if (authKey.isBlank()) {
      throw new IllegalArgumentException("AUTH_KEY must not be empty");
    }
    this.key = new SecretKeySpec(authKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
  }

  /** Signs a payload into a token. */
  public String encode(TokenPayload payload) {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("seed", payload.seed());
    body.put("subject", payload.subject());
    body.put("subject_type", payload.subjectType().wireName());
    if (payload.scopes().isPresent()) {
      payload.scopes().get().forEach(body.putArray("scopes")::add);
    } else {
      body.putNull("scopes");
    }
    String signingInput = HEADER + "." + base64Url(Json.writeBytes(body));
    return signingInput + "." + base64Url(sign(signingInput));
  }

  /**
   * Verifies the signature and parses the payload.
   *
   * @throws UnauthorizedException "invalid JWT token" with the reason
   */
  public TokenPayload decode(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw new UnauthorizedException(INVALID + ": not a JWT");
    }
    JsonNode header = parseSegment(parts[0]);
    if (!"HS256".equals(header.path("alg").asText())) {
      throw new UnauthorizedException(INVALID + ": unsupported algorithm");
    }
    byte[] expected = sign(parts[0] + "." + parts[1]);
    byte[] actual;
    try {
      actual = Base64.getUrlDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new UnauthorizedException(INVALID + ": malformed signature");
    }
    if (!MessageDigest.isEqual(expected, actual)) {
      throw new UnauthorizedException(INVALID + ": signature verification failed");
    }
    return payload(parseSegment(parts[1]));
  }

  /** Reads the payload without verifying the signature (only for audit names, never for trust). */
  public static Optional<String> unverifiedSubject(String token) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      return Optional.empty();
    }
    try {
      return Optional.of(parseSegment(parts[1]).path("subject").asText()).filter(s -> !s.isEmpty());
    } catch (UnauthorizedException e) {
      return Optional.empty();
    }
  }

  private static TokenPayload payload(JsonNode node) {
    if (!node.isObject()) {
      throw new UnauthorizedException(INVALID + ": payload is not an object");
    }
    node.fieldNames()
        .forEachRemaining(
            name -> {
              if (!PAYLOAD_KEYS.contains(name)) {
                throw new UnauthorizedException(INVALID + ": unexpected payload field " + name);
              }
            });
    String seed = text(node, "seed");
    String subject = text(node, "subject");
    SubjectType type = SubjectType.fromWire(text(node, "subject_type"));
    JsonNode scopes = node.path("scopes");
    Optional<List<String>> scopeList = Optional.empty();
    if (scopes.isArray()) {
      List<String> list = new ArrayList<>();
      scopes.forEach(s -> list.add(s.asText()));
      scopeList = Optional.of(list);
    } else if (!scopes.isMissingNode() && !scopes.isNull()) {
      throw new UnauthorizedException(INVALID + ": scopes must be a list");
    }
    return new TokenPayload(seed, subject, type, scopeList);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual() || value.asText().isEmpty()) {
      throw new UnauthorizedException(INVALID + ": missing " + field);
    }
    return value.asText();
  }

  private static JsonNode parseSegment(String segment) {
    try {
      return Json.mapper().readTree(Base64.getUrlDecoder().decode(segment));
    } catch (IOException | IllegalArgumentException e) {
      throw new UnauthorizedException(INVALID + ": malformed segment");
    }
  }

  private byte[] sign(String input) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key);
      return mac.doFinal(input.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  private static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
