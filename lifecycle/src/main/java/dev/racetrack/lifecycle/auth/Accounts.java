package dev.racetrack.lifecycle.auth;

import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.event.GatewayNotifier;
import dev.racetrack.model.error.AlreadyExistsException;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.UnauthorizedException;
import dev.racetrack.model.error.ValidationException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User accounts (§3.7, §4.7, §4.8): registration awaiting activation, log in (throttled), profiles,
 * password changes, and staff management of users.
 */
public final class Accounts {
  /**
   * An address as mail servers take it: a dot-atom local part (at most 64 characters) and a domain
   * of at least two labels of letters, digits and inner hyphens; nothing that HTML or a shell
   * treats specially besides what RFC 5322 allows in a local part.
   */
  private static final Pattern EMAIL =
      Pattern.compile(
          "(?=[^@]{1,64}@)[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
              + "@(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+"
              + "[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
  public static final String ADMIN = "admin";

  /** The longest username (the column's size). */
  static final int MAX_USERNAME_LENGTH = 150;

  /**
   * Scopes every registered user gets on all jobs (§4.8). Deploying and deleting are granted per
   * family to the family's first deployer, never globally.
   */
  static final List<AuthScope> DEFAULT_SCOPES =
      List.of(AuthScope.READ_JOB, AuthScope.CALL_JOB, AuthScope.DEPLOY_NEW_FAMILY);

  /** What the accounts need. */
  public record Parts(
      Jdbi jdbi,
      UserRepository users,
      AuthSubjectRepository subjects,
      PermissionRepository permissions,
      AuthTokenRepository tokens,
      TokenIssuer issuer,
      PasswordHasher hasher,
      PasswordPolicy policy,
      LoginThrottle throttle,
      Authorizer authorizer,
      AuditLog audit,
      GatewayNotifier gateway,
      AuthConfig config) {}

  /** A successful login: the profile (with the long-lived API token) and a new session token. */
  public record Login(UserProfile profile, String sessionToken) {
    @Override
    public String toString() {
      return "Login[" + profile.username() + "]";
    }
  }

  /** Changes staff may make to a user; absent fields stay as they are. */
  public record UserUpdate(
      Optional<Boolean> isActive, Optional<Boolean> isStaff, Optional<String> password) {
    @Override
    public String toString() {
      return "UserUpdate[active="
          + isActive
          + ", staff="
          + isStaff
          + ", password="
          + password.map(p -> "***")
          + "]";
    }
  }

  private final Parts p;

  public Accounts(Parts parts) {
    this.p = parts;
  }

  /**
   * Checks a username and password and returns the user's profile with its API token, and a new
   * browser session token of its own (expiring; its logout revokes only it).
   *
   * @param address the client's address, for throttling
   * @throws UnauthorizedException "incorrect username or password", or that the account awaits
   *     activation
   */
  public Login login(String username, String password, String address) {
    LoginThrottle.Attempt attempt = p.throttle().begin(username, address);
    Optional<User> user = p.users().find(username);
    if (user.isEmpty()) {
      p.hasher().verifyDummy(password);
      throw new UnauthorizedException("incorrect username or password");
    }
    if (!p.hasher().verify(password, user.get().passwordHash())) {
      throw new UnauthorizedException("incorrect username or password");
    }
    attempt.succeeded();
    if (!user.get().active()) {
      throw new UnauthorizedException(
          "account " + username + " is not active yet: a Racetrack admin must activate it");
    }
    p.users().recordLogin(username);
    UserProfile profile = profile(user.get());
    String session =
        p.jdbi()
            .inTransaction(
                h ->
                    p.issuer()
                        .issueSession(
                            h,
                            p.subjects().forUser(h, user.get().id()),
                            username,
                            p.config().sessionLifetime()));
    return new Login(profile, session);
  }

  /** Ends a browser session: revokes that session token only (an API token is left alone). */
  public void logout(String sessionToken) {
    p.tokens().revokeSession(sessionToken);
  }

  /** A password change ends every session of the user and replaces its API tokens. */
  private void revokeTokens(Handle h, String username) {
    User user = p.users().find(h, username).orElseThrow();
    String subject = p.subjects().forUser(h, user.id());
    p.tokens().revokeSessions(h, subject);
    p.tokens().listByType(SubjectType.USER).stream()
        .filter(o -> o.authSubjectId().equals(subject))
        .forEach(o -> p.issuer().reissue(h, o));
  }

  /** The profile of a user caller. */
  public UserProfile profile(Caller caller) {
    return profile(user(caller));
  }

  private User user(Caller caller) {
    if (caller.type() != SubjectType.USER) {
      throw new UnauthorizedException("this endpoint needs a user token, got " + caller.describe());
    }
    return p.users()
        .find(caller.subject())
        .orElseThrow(() -> new UnauthorizedException("user does not exist"));
  }

  private UserProfile profile(User user) {
    String token =
        p.jdbi()
            .inTransaction(
                h ->
                    p.issuer()
                        .firstOrIssue(
                            h,
                            p.subjects().forUser(h, user.id()),
                            SubjectType.USER,
                            user.username()));
    return new UserProfile(user.username(), token, user.staff());
  }

  /**
   * Registers an account: the username must be an email; the account stays inactive until staff
   * activate it and has the default permissions of §4.8.
   */
  public void register(String username, String password, String address) {
    if (!p.config().registrationEnabled()) {
      throw new RegistrationDisabledException();
    }
    String name = username == null ? "" : username.strip();
    checkLength(name);
    if (!EMAIL.matcher(name).matches()) {
      throw new ValidationException("You have to pass email as username");
    }
    p.policy().check(password);
    // counted once the request is valid: a typo in the form does not use up the hour's
    // registrations
    p.throttle().beginRegistration(address);
    p.jdbi()
        .useTransaction(
            h -> {
              if (p.users().find(h, name).isPresent()) {
                throw new AlreadyExistsException("Username already exists");
              }
              int id = p.users().insert(h, name, name, p.hasher().hash(password), false, false);
              String subject = p.subjects().forUser(h, id);
              for (AuthScope scope : DEFAULT_SCOPES) {
                p.permissions().grant(h, subject, scope, Optional.empty(), Optional.empty());
              }
              p.issuer().issue(h, subject, SubjectType.USER, name, Optional.empty());
              audit(h, "user_registered", name, Optional.of(name), Map.of());
            });
    LOG.info("registered user {} (inactive until an admin activates it)", name);
  }

  private static void checkLength(String username) {
    if (username != null && username.length() > MAX_USERNAME_LENGTH) {
      throw new ValidationException(
          "username is too long: at most "
              + MAX_USERNAME_LENGTH
              + " characters, got "
              + username.length());
    }
  }

  /** Changes the caller's own password after checking the old one. */
  public void changePassword(Caller caller, String oldPassword, String newPassword) {
    User user = user(caller);
    if (oldPassword == null || !p.hasher().verify(oldPassword, user.passwordHash())) {
      throw new UnauthorizedException("Passed password is incorrect.");
    }
    setPassword(user.username(), newPassword, caller.username());
  }

  /**
   * Sets a user's password (staff, or the admin command {@code changepassword}).
   *
   * @param executor who does it, for the audit log
   */
  public void setPassword(String username, String newPassword, String executor) {
    p.policy().check(newPassword);
    p.jdbi()
        .useTransaction(
            h -> {
              requireUser(h, username);
              p.users().setPassword(h, username, p.hasher().hash(newPassword));
              revokeTokens(h, username);
              audit(h, "password_changed", executor, Optional.of(username), Map.of());
            });
    p.gateway().invalidate("password of " + username + " changed");
  }

  /** All users (staff only). */
  public List<UserRepository.UserView> users(Caller caller) {
    p.authorizer().requireStaff(caller);
    return p.users().list();
  }

  /** Activates, deactivates, promotes or re-passwords a user (staff only). */
  public UserRepository.UserView updateUser(Caller caller, String username, UserUpdate update) {
    p.authorizer().requireStaff(caller);
    if (username.equals(caller.username())
        && (update.isActive().equals(Optional.of(false))
            || update.isStaff().equals(Optional.of(false)))) {
      // the last admin would lock everybody out; another staff user can do it
      throw new ValidationException(
          "you cannot deactivate your own account or take away your own staff status;"
              + " ask another staff user to do it");
    }
    update.password().ifPresent(p.policy()::check);
    Map<String, Object> changes = new LinkedHashMap<>();
    p.jdbi()
        .useTransaction(
            h -> {
              requireUser(h, username);
              update
                  .isActive()
                  .ifPresent(
                      active -> {
                        p.users().setActive(h, username, active);
                        changes.put("is_active", active);
                      });
              update
                  .isStaff()
                  .ifPresent(
                      staff -> {
                        p.users().setStaff(h, username, staff);
                        changes.put("is_staff", staff);
                      });
              update
                  .password()
                  .ifPresent(
                      pw -> {
                        p.users().setPassword(h, username, p.hasher().hash(pw));
                        revokeTokens(h, username);
                        // one event type for every password change, whoever makes it
                        audit(
                            h,
                            "password_changed",
                            caller.username(),
                            Optional.of(username),
                            Map.of());
                      });
              if (!changes.isEmpty() || update.password().isEmpty()) {
                audit(h, "user_updated", caller.username(), Optional.of(username), changes);
              }
            });
    p.gateway().invalidate("user " + username + " changed");
    return p.users().list().stream()
        .filter(u -> u.username().equals(username))
        .findFirst()
        .orElseThrow();
  }

  private void requireUser(Handle h, String username) {
    if (p.users().find(h, username).isEmpty()) {
      throw new NotFoundException("user " + username + " does not exist");
    }
  }

  /**
   * Creates a staff superuser with full access.
   *
   * @throws AlreadyExistsException when the username is taken
   */
  public void createSuperuser(String username, String email, String password) {
    checkLength(username);
    p.policy().check(password);
    p.jdbi()
        .useTransaction(
            h -> {
              if (p.users().find(h, username).isPresent()) {
                throw new AlreadyExistsException("user " + username + " already exists");
              }
              int id = p.users().insert(h, username, email, p.hasher().hash(password), true, true);
              String subject = p.subjects().forUser(h, id);
              p.permissions()
                  .grant(h, subject, AuthScope.FULL_ACCESS, Optional.empty(), Optional.empty());
              p.issuer().issue(h, subject, SubjectType.USER, username, Optional.empty());
              audit(h, "user_created", username, Optional.of(username), Map.of("staff", true));
            });
  }

  /**
   * Creates the {@code admin} account on a fresh database.
   *
   * @param password the configured initial password, if any
   * @return the generated password when none was configured and the admin was created now
   */
  public Optional<String> ensureAdmin(Optional<String> password) {
    if (p.users().count() > 0) {
      return Optional.empty();
    }
    String actual = password.orElseGet(Accounts::randomPassword);
    createSuperuser(ADMIN, "admin@example.com", actual);
    LOG.info("created the initial admin account '{}'", ADMIN);
    return password.isPresent() ? Optional.empty() : Optional.of(actual);
  }

  private void audit(
      Handle h,
      String type,
      String executor,
      Optional<String> subject,
      Map<String, Object> properties) {
    p.audit().record(h, type, executor, subject, Optional.empty(), Optional.empty(), properties);
  }

  private static String randomPassword() {
    byte[] bytes = new byte[15];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
