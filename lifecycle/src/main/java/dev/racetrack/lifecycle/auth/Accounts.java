package dev.racetrack.lifecycle.auth;

import dev.racetrack.model.error.AlreadyExistsException;
import dev.racetrack.model.error.UnauthorizedException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * User accounts: log in, profiles, and creating users with their subject, token and permissions.
 */
public final class Accounts {
  private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);
  public static final String ADMIN = "admin";

  private final Jdbi jdbi;
  private final UserRepository users;
  private final AuthSubjectRepository subjects;
  private final PermissionRepository permissions;
  private final TokenIssuer issuer;
  private final PasswordHasher hasher;

  public Accounts(
      Jdbi jdbi,
      UserRepository users,
      AuthSubjectRepository subjects,
      PermissionRepository permissions,
      TokenIssuer issuer,
      PasswordHasher hasher) {
    this.jdbi = jdbi;
    this.users = users;
    this.subjects = subjects;
    this.permissions = permissions;
    this.issuer = issuer;
    this.hasher = hasher;
  }

  /**
   * Checks a username and password and returns the user's profile with a token.
   *
   * @throws UnauthorizedException "incorrect username or password", or that the account awaits
   *     activation
   */
  public UserProfile login(String username, String password) {
    Optional<User> user = users.find(username);
    if (user.isEmpty()) {
      hasher.verifyDummy(password);
      throw new UnauthorizedException("incorrect username or password");
    }
    if (!hasher.verify(password, user.get().passwordHash())) {
      throw new UnauthorizedException("incorrect username or password");
    }
    if (!user.get().active()) {
      throw new UnauthorizedException(
          "account " + username + " is not active yet: a Racetrack admin must activate it");
    }
    users.recordLogin(username);
    return profile(user.get());
  }

  /** The profile of a user caller. */
  public UserProfile profile(Caller caller) {
    if (caller.type() != SubjectType.USER) {
      throw new UnauthorizedException("this endpoint needs a user token, got " + caller.describe());
    }
    return profile(
        users
            .find(caller.subject())
            .orElseThrow(() -> new UnauthorizedException("user does not exist")));
  }

  private UserProfile profile(User user) {
    String token =
        jdbi.inTransaction(
            h ->
                issuer.firstOrIssue(
                    h, subjects.forUser(h, user.id()), SubjectType.USER, user.username()));
    return new UserProfile(user.username(), token, user.staff());
  }

  /**
   * Creates a staff superuser with full access.
   *
   * @throws AlreadyExistsException when the username is taken
   */
  public void createSuperuser(String username, String email, String password) {
    jdbi.useTransaction(
        h -> {
          if (users.find(h, username).isPresent()) {
            throw new AlreadyExistsException("user " + username + " already exists");
          }
          int id = users.insert(h, username, email, hasher.hash(password), true, true);
          String subject = subjects.forUser(h, id);
          permissions.grant(h, subject, AuthScope.FULL_ACCESS, Optional.empty(), Optional.empty());
          issuer.issue(h, subject, SubjectType.USER, username, Optional.empty());
        });
  }

  /**
   * Creates the {@code admin} account on a fresh database.
   *
   * @param password the configured initial password, if any
   * @return the generated password when none was configured and the admin was created now
   */
  public Optional<String> ensureAdmin(Optional<String> password) {
    if (users.count() > 0) {
      return Optional.empty();
    }
    String actual = password.orElseGet(Accounts::randomPassword);
    createSuperuser(ADMIN, "admin@example.com", actual);
    LOG.info("created the initial admin account '{}'", ADMIN);
    return password.isPresent() ? Optional.empty() : Optional.of(actual);
  }

  private static String randomPassword() {
    byte[] bytes = new byte[15];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
