package dev.racetrack.lifecycle.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.racetrack.model.error.UnauthorizedException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * HS256 JSON Web Tokens with the platform's payload (§4.1), signed with {@code AUTH_KEY} by
 * nimbus-jose-jwt. The claims are the original Racetrack's ({@code seed}, {@code subject}, {@code
 * subject_type}, {@code scopes}), so its tokens and clients keep working; internal tokens also
 * carry {@code exp}. Parsing is strict: a wrong algorithm, an unknown claim or a bad signature is
 * an invalid token.
 */
public final class Jwt {
  /** The shortest key HS256 accepts (RFC 7518 §3.2): 256 bits. */
  public static final int MIN_KEY_BYTES = 32;

  private static final Set<String> CLAIMS =
      Set.of("seed", "subject", "subject_type", "scopes", "exp");
  private static final String INVALID = "invalid JWT token";

  private final MACSigner signer;
  private final MACVerifier verifier;

  /**
   * @throws IllegalArgumentException when the key is shorter than {@link #MIN_KEY_BYTES}
   */
  public Jwt(String authKey) {
    byte[] key = authKey.getBytes(StandardCharsets.UTF_8);
    if (key.length < MIN_KEY_BYTES) {
      throw new IllegalArgumentException(
          "AUTH_KEY must be at least " + MIN_KEY_BYTES + " bytes long, got " + key.length);
    }
    try {
      this.signer = new MACSigner(key);
      this.verifier = new MACVerifier(key);
    } catch (JOSEException e) {
      throw new IllegalArgumentException("AUTH_KEY is not usable for HS256: " + e.getMessage(), e);
    }
  }

  /** Signs a payload into a token. */
  public String encode(TokenPayload payload) {
    JWTClaimsSet.Builder claims =
        new JWTClaimsSet.Builder()
            .serializeNullClaims(true)
            .claim("seed", payload.seed())
            .claim("subject", payload.subject())
            .claim("subject_type", payload.subjectType().wireName())
            .claim("scopes", payload.scopes().orElse(null));
    payload.expiry().ifPresent(at -> claims.expirationTime(Date.from(at)));
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
            claims.build());
    try {
      jwt.sign(signer);
    } catch (JOSEException e) {
      throw new IllegalStateException("signing a token failed", e);
    }
    return jwt.serialize();
  }

  /**
   * Verifies the signature and parses the payload. An {@code exp} claim is returned, not checked:
   * the {@link Authenticator} compares it with its clock.
   *
   * @throws UnauthorizedException "invalid JWT token" with the reason
   */
  public TokenPayload decode(String token) {
    SignedJWT jwt = parse(token);
    if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
      throw new UnauthorizedException(INVALID + ": unsupported algorithm");
    }
    boolean valid;
    try {
      valid = jwt.verify(verifier);
    } catch (JOSEException e) {
      throw new UnauthorizedException(INVALID + ": " + e.getMessage());
    }
    if (!valid) {
      throw new UnauthorizedException(INVALID + ": signature verification failed");
    }
    return payload(claims(jwt));
  }

  /** Reads the payload without verifying the signature (only for audit names, never for trust). */
  public static Optional<String> unverifiedSubject(String token) {
    try {
      return Optional.ofNullable(SignedJWT.parse(token).getJWTClaimsSet().getClaim("subject"))
          .filter(String.class::isInstance)
          .map(String.class::cast)
          .filter(s -> !s.isEmpty());
    } catch (ParseException e) {
      return Optional.empty();
    }
  }

  private static SignedJWT parse(String token) {
    try {
      return SignedJWT.parse(token);
    } catch (ParseException e) {
      throw new UnauthorizedException(INVALID + ": not a JWT");
    }
  }

  private static JWTClaimsSet claims(SignedJWT jwt) {
    try {
      return jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw new UnauthorizedException(INVALID + ": payload is not an object");
    }
  }

  private static TokenPayload payload(JWTClaimsSet claims) {
    Map<String, Object> all = claims.getClaims();
    for (String name : all.keySet()) {
      if (!CLAIMS.contains(name)) {
        throw new UnauthorizedException(INVALID + ": unexpected payload field " + name);
      }
    }
    Object scopes = all.get("scopes");
    Optional<List<String>> scopeList = Optional.empty();
    if (scopes instanceof List<?> list) {
      List<String> names = new ArrayList<>();
      list.forEach(s -> names.add(String.valueOf(s)));
      scopeList = Optional.of(names);
    } else if (scopes != null) {
      throw new UnauthorizedException(INVALID + ": scopes must be a list");
    }
    Optional<Instant> expiry;
    try {
      expiry = Optional.ofNullable(claims.getExpirationTime()).map(Date::toInstant);
    } catch (RuntimeException e) {
      throw new UnauthorizedException(INVALID + ": exp must be a number");
    }
    return new TokenPayload(
        text(all, "seed"),
        text(all, "subject"),
        SubjectType.fromWire(text(all, "subject_type")),
        scopeList,
        expiry);
  }

  private static String text(Map<String, Object> claims, String field) {
    if (!(claims.get(field) instanceof String value) || value.isEmpty()) {
      throw new UnauthorizedException(INVALID + ": missing " + field);
    }
    return value;
  }
}
