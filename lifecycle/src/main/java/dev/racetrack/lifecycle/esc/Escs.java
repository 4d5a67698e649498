package dev.racetrack.lifecycle.esc;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.AuthSubjectRepository;
import dev.racetrack.lifecycle.auth.AuthTokenRepository;
import dev.racetrack.lifecycle.auth.AuthTokenViews;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.auth.SubjectType;
import dev.racetrack.lifecycle.auth.TokenIssuer;
import dev.racetrack.lifecycle.event.GatewayNotifier;
import dev.racetrack.model.error.AlreadyExistsException;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.ValidationException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * External Service Consumers (§3.8): staff create them, give them several tokens (each with an
 * optional expiry), see when each was last used, and revoke them.
 */
public final class Escs {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,35}");

  /** What the ESC feature needs. */
  public record Parts(
      Jdbi jdbi,
      EscRepository escs,
      AuthSubjectRepository subjects,
      AuthTokenRepository tokens,
      TokenIssuer issuer,
      Authorizer authorizer,
      AuditLog audit,
      GatewayNotifier gateway,
      Clock clock) {}

  /** An ESC with its tokens. */
  public record EscAuthData(String id, String name, List<AuthTokenViews> tokens) {}

  private final Parts p;

  public Escs(Parts parts) {
    this.p = parts;
  }

  public List<EscRepository.Esc> list(Caller caller) {
    p.authorizer().requireStaff(caller);
    return p.escs().list();
  }

  /** Creates an ESC (with one token); {@code id} may be chosen by the caller. */
  public EscRepository.Esc create(Caller caller, String name, Optional<String> requestedId) {
    p.authorizer().requireStaff(caller);
    if (name == null || name.isBlank()) {
      throw new ValidationException("name is required");
    }
    if (name.length() > 512) {
      throw new ValidationException(
          "name is too long: at most 512 characters, got " + name.length());
    }
    String id = requestedId.filter(s -> !s.isBlank()).orElseGet(() -> UUID.randomUUID().toString());
    if (!ID.matcher(id).matches()) {
      throw new ValidationException(
          "id '" + id + "' may contain only letters, digits, '-' and '_' (at most 36)");
    }
    EscRepository.Esc esc = new EscRepository.Esc(id, name.strip());
    p.jdbi()
        .useTransaction(
            h -> {
              if (p.escs().find(h, id).isPresent()) {
                throw new AlreadyExistsException("ESC with id " + id + " already exists");
              }
              p.escs().insert(h, id, esc.name());
              String subject = p.subjects().forEsc(h, id);
              p.issuer().issue(h, subject, SubjectType.ESC, id, Optional.empty());
              audit(h, caller, "esc_created", esc);
            });
    return esc;
  }

  public void delete(Caller caller, String id) {
    p.authorizer().requireStaff(caller);
    EscRepository.Esc esc = find(id);
    p.jdbi()
        .useTransaction(
            h -> {
              p.escs().delete(h, id);
              audit(h, caller, "esc_deleted", esc);
            });
    p.gateway().invalidate("ESC " + id + " deleted");
  }

  public EscAuthData authData(Caller caller, String id) {
    p.authorizer().requireStaff(caller);
    EscRepository.Esc esc = find(id);
    String subject = p.jdbi().inTransaction(h -> p.subjects().forEsc(h, id));
    return new EscAuthData(
        esc.id(),
        esc.name(),
        p.tokens().listForSubject(subject).stream().map(AuthTokenViews::of).toList());
  }

  /** A new token for an ESC, expiring at {@code expiryTime} (Unix seconds) when given. */
  public AuthTokenViews createToken(Caller caller, String id, Optional<Long> expiryTime) {
    p.authorizer().requireStaff(caller);
    EscRepository.Esc esc = find(id);
    Optional<Instant> expiry = expiryTime.map(Instant::ofEpochSecond);
    if (expiry.isPresent() && !expiry.get().isAfter(p.clock().instant())) {
      throw new ValidationException("expiry_time must be in the future");
    }
    String token =
        p.jdbi()
            .inTransaction(
                h -> {
                  String subject = p.subjects().forEsc(h, id);
                  audit(h, caller, "esc_token_created", esc);
                  return p.issuer().issue(h, subject, SubjectType.ESC, id, expiry);
                });
    String subject = p.jdbi().inTransaction(h -> p.subjects().forEsc(h, id));
    return p.tokens().listForSubject(subject).stream()
        .filter(t -> t.token().equals(token))
        .map(AuthTokenViews::of)
        .findFirst()
        .orElseThrow();
  }

  /** Revokes (deletes) a token of an ESC; it stops working at the gateway at once. */
  public void revokeToken(Caller caller, String id, String tokenId) {
    p.authorizer().requireStaff(caller);
    EscRepository.Esc esc = find(id);
    p.jdbi()
        .useTransaction(
            h -> {
              if (!p.tokens().delete(h, p.subjects().forEsc(h, id), tokenId)) {
                throw new NotFoundException("ESC " + id + " has no token " + tokenId);
              }
              audit(h, caller, "esc_token_revoked", esc);
            });
    p.gateway().invalidate("token of ESC " + id + " revoked");
  }

  /** The token to give the ESC's developers: its first, created if it has none. */
  public String callerToken(Caller caller, String id) {
    p.authorizer().requireStaff(caller);
    find(id);
    return p.jdbi()
        .inTransaction(
            h -> p.issuer().firstOrIssue(h, p.subjects().forEsc(h, id), SubjectType.ESC, id));
  }

  private EscRepository.Esc find(String id) {
    return p.escs().find(id).orElseThrow(() -> new NotFoundException("ESC " + id + " not found"));
  }

  private void audit(Handle h, Caller caller, String type, EscRepository.Esc esc) {
    p.audit()
        .record(
            h,
            type,
            caller.username(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty(),
            Map.of("esc_id", esc.id(), "esc_name", esc.name()));
  }
}
