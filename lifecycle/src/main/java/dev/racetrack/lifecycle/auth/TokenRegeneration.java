package dev.racetrack.lifecycle.auth;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.event.GatewayNotifier;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * Re-signs stored tokens with the current {@code AUTH_KEY} and new seeds (§4.9): after a database
 * restored from another environment, or to rotate credentials. The old values stop working.
 */
public final class TokenRegeneration {
  private final Jdbi jdbi;
  private final AuthTokenRepository tokens;
  private final TokenIssuer issuer;
  private final Authorizer authorizer;
  private final AuditLog audit;
  private final GatewayNotifier gateway;

  public TokenRegeneration(
      Jdbi jdbi,
      AuthTokenRepository tokens,
      TokenIssuer issuer,
      Authorizer authorizer,
      AuditLog audit,
      GatewayNotifier gateway) {
    this.jdbi = jdbi;
    this.tokens = tokens;
    this.issuer = issuer;
    this.authorizer = authorizer;
    this.audit = audit;
    this.gateway = gateway;
  }

  /**
   * Re-signs every token of every subject of a kind: staff only (or an internal token with full
   * access), as it logs everybody out.
   */
  public int regenerateAll(Caller caller, SubjectType type) {
    authorizer.requireStaff(caller);
    List<AuthTokenRepository.Owned> owned = tokens.listByType(type);
    jdbi.useTransaction(
        h -> {
          owned.forEach(o -> issuer.reissue(h, o));
          audit.record(
              h,
              "tokens_regenerated",
              caller.username(),
              Optional.empty(),
              Optional.empty(),
              Optional.empty(),
              Map.of("subject_type", type.wireName(), "count", owned.size()));
        });
    gateway.invalidate(type.wireName() + " tokens regenerated");
    return owned.size();
  }

  /** Re-signs the tokens of the calling user and returns the first new one. */
  public String regenerateOwn(Caller caller) {
    String subject = caller.authSubjectId().orElseThrow();
    List<AuthTokenRepository.Owned> owned =
        tokens.listByType(SubjectType.USER).stream()
            .filter(o -> o.authSubjectId().equals(subject))
            .toList();
    String first =
        jdbi.inTransaction(
            h -> {
              String token =
                  owned.isEmpty()
                      ? issuer.firstOrIssue(h, subject, SubjectType.USER, caller.subject())
                      : null;
              for (AuthTokenRepository.Owned o : owned) {
                String renewed = issuer.reissue(h, o);
                token = token == null ? renewed : token;
              }
              audit.record(
                  h,
                  "tokens_regenerated",
                  caller.username(),
                  Optional.of(caller.username()),
                  Optional.empty(),
                  Optional.empty(),
                  Map.of("subject_type", "user", "count", owned.size()));
              return token;
            });
    gateway.invalidate("tokens of " + caller.describe() + " regenerated");
    return first;
  }
}
