package dev.racetrack.lifecycle.admin;

import dev.racetrack.lifecycle.LifecycleApp;
import dev.racetrack.lifecycle.LifecycleConfig;
import dev.racetrack.lifecycle.auditlog.AuditLog;
import dev.racetrack.lifecycle.auth.Accounts;
import dev.racetrack.lifecycle.auth.AuthConfig;
import dev.racetrack.lifecycle.auth.AuthSubjectRepository;
import dev.racetrack.lifecycle.auth.AuthTokenRepository;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.InternalTokenRepository;
import dev.racetrack.lifecycle.auth.Jwt;
import dev.racetrack.lifecycle.auth.LoginThrottle;
import dev.racetrack.lifecycle.auth.PasswordHasher;
import dev.racetrack.lifecycle.auth.PasswordPolicy;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.auth.TokenIssuer;
import dev.racetrack.lifecycle.auth.UserRepository;
import dev.racetrack.lifecycle.event.GatewayNotifier;
import dev.racetrack.model.config.EnvReader;
import dev.racetrack.tls.TlsConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Admin commands working on the database directly, with the platform up or down (the Django {@code
 * manage.py changepassword}/{@code createsuperuser} and {@code python -m lifecycle generate-auth}
 * of the original). They use the same settings as the server.
 */
@Command(
    name = "admin",
    description =
        "Administer the platform's database directly (works with the platform up or down).",
    mixinStandardHelpOptions = true,
    subcommands = {
      AdminCommands.ChangePassword.class,
      AdminCommands.CreateSuperuser.class,
      AdminCommands.GenerateAuth.class,
      AdminCommands.RevokeAuth.class,
      BackupCommands.BackupCommand.class,
      BackupCommands.RestoreCommand.class,
      RedeployMissing.class,
      RegistryClean.class
    })
public final class AdminCommands {
  private final AdminContext context;

  public AdminCommands(AdminContext context) {
    this.context = context;
  }

  AdminContext context() {
    return context;
  }

  /**
   * Runs {@code work} with the accounts of the configured database, then waits (briefly) until PUB
   * has been told about the change, since the command's process exits right after.
   */
  void withAccounts(Consumer<Accounts> work) {
    LifecycleConfig config = config(context);
    GatewayNotifier gateway =
        new GatewayNotifier(
            LifecycleApp.internalHttpClient(TlsConfig.fromEnv(config.env())),
            config.internalPubUrl(),
            config.internalToken());
    try (AdminDatabase db = AdminDatabase.open(config.database(), config.dataDir())) {
      work.accept(accounts(db.database().jdbi(), config, gateway));
    }
    gateway.awaitSent(Duration.ofSeconds(10));
  }

  /**
   * The platform's configuration; the internal token (what PUB accepts a cache invalidation with)
   * is {@code INTERNAL_TOKEN} when the command is given the platform's, else the one the all-in-one
   * server generated and keeps in the data directory.
   */
  static LifecycleConfig config(AdminContext context) {
    EnvReader env = new EnvReader(context.env());
    return LifecycleConfig.fromEnv(
        context.env(),
        LifecycleConfig.resolveAuthKey(context.env(), env.dataDir()),
        env.optional("INTERNAL_TOKEN")
            .or(() -> LifecycleConfig.storedInternalToken(env.dataDir()))
            .orElse("admin-command"));
  }

  /** Runs {@code work} with the token issuer of the configured database. */
  void withIssuer(Consumer<TokenIssuer> work) {
    LifecycleConfig config = config(context);
    try (AdminDatabase db = AdminDatabase.open(config.database(), config.dataDir())) {
      work.accept(issuer(db.database().jdbi(), config));
    }
  }

  /** Runs {@code work} with the database's Jdbi. */
  <T> T withJdbi(java.util.function.Function<Jdbi, T> work) {
    LifecycleConfig config = config(context);
    try (AdminDatabase db = AdminDatabase.open(config.database(), config.dataDir())) {
      return work.apply(db.database().jdbi());
    }
  }

  /** Runs {@code work} with the internal token list of the configured database. */
  void withInternalTokens(Consumer<InternalTokenRepository> work) {
    LifecycleConfig config = config(context);
    try (AdminDatabase db = AdminDatabase.open(config.database(), config.dataDir())) {
      work.accept(new InternalTokenRepository(db.database().jdbi()));
    }
  }

  private static TokenIssuer issuer(Jdbi jdbi, LifecycleConfig config) {
    return new TokenIssuer(
        new Jwt(config.authKey()),
        new AuthTokenRepository(jdbi, LifecycleApp.secretBox(config)),
        new InternalTokenRepository(jdbi),
        Clock.systemUTC());
  }

  private static Accounts accounts(Jdbi jdbi, LifecycleConfig config, GatewayNotifier gateway) {
    UserRepository users = new UserRepository(jdbi);
    PermissionRepository permissions = new PermissionRepository(jdbi);
    AuthConfig authConfig = AuthConfig.fromEnv(config.env());
    return new Accounts(
        new Accounts.Parts(
            jdbi,
            users,
            new AuthSubjectRepository(),
            permissions,
            new AuthTokenRepository(jdbi, LifecycleApp.secretBox(config)),
            issuer(jdbi, config),
            new PasswordHasher(),
            PasswordPolicy.standard(),
            new LoginThrottle(Clock.systemUTC(), authConfig.registrationsPerHour()),
            new Authorizer(permissions, users),
            new AuditLog(),
            gateway,
            authConfig));
  }

  @Command(
      name = "changepassword",
      mixinStandardHelpOptions = true,
      description = "Set a user's password (prompted twice, or read from standard input).")
  static final class ChangePassword implements Callable<Integer> {
    @ParentCommand AdminCommands admin;

    @Parameters(paramLabel = "USER")
    String username;

    @Override
    public Integer call() {
      String password = admin.context().secret("Password for " + username);
      admin.withAccounts(accounts -> accounts.setPassword(username, password, "admin command"));
      admin.context().out().println("Password changed successfully for user '" + username + "'.");
      return 0;
    }
  }

  @Command(
      name = "createsuperuser",
      mixinStandardHelpOptions = true,
      description =
          "Create an active staff user with full access (asked for what the options do not give).")
  static final class CreateSuperuser implements Callable<Integer> {
    @ParentCommand AdminCommands admin;

    @Option(names = "--username")
    String username;

    @Option(names = "--email")
    String email;

    @Override
    public Integer call() {
      String user = username != null ? username : admin.context().line("Username");
      String mail = email != null ? email : admin.context().line("Email address");
      String password = admin.context().secret("Password");
      admin.withAccounts(accounts -> accounts.createSuperuser(user, mail, password));
      admin.context().out().println("Superuser '" + user + "' created successfully.");
      return 0;
    }
  }

  @Command(
      name = "generate-auth",
      mixinStandardHelpOptions = true,
      description = {
        "Print an internal full-access token for SUBJECT, signed with the current AUTH_KEY, expiring",
        "after --lifetime and listed by its id so `admin revoke-auth ID` can revoke it (the",
        "emergency key for rotating AUTH_KEY, or a token for a tool)."
      })
  static final class GenerateAuth implements Callable<Integer> {
    @ParentCommand AdminCommands admin;

    @Parameters(paramLabel = "SUBJECT")
    String subject;

    @Option(
        names = "--lifetime",
        required = true,
        converter = Lifetime.class,
        description = "How long the token is valid: e.g. 30m, 12h, 30d (at most 366d).")
    Duration lifetime;

    @Option(names = "--short", description = "Print only the token.")
    boolean onlyToken;

    @Override
    public Integer call() {
      admin.withIssuer(
          issuer -> {
            TokenIssuer.Internal internal =
                issuer.internal(subject, List.of("full_access"), lifetime);
            if (onlyToken) {
              admin.context().out().println(internal.token());
            } else {
              admin.context().out().println("Service: " + subject);
              admin.context().out().println("Token id: " + internal.seed());
              admin.context().out().println("Expires: " + internal.expiry());
              admin.context().out().println("LIFECYCLE_AUTH_TOKEN:");
              admin.context().out().println(internal.token());
            }
          });
      return 0;
    }
  }

  @Command(
      name = "revoke-auth",
      mixinStandardHelpOptions = true,
      description = "Revoke an internal token by the id `admin generate-auth` printed.")
  static final class RevokeAuth implements Callable<Integer> {
    @ParentCommand AdminCommands admin;

    @Parameters(paramLabel = "ID")
    String id;

    @Override
    public Integer call() {
      boolean[] revoked = {false};
      admin.withInternalTokens(list -> revoked[0] = list.revoke(id));
      if (!revoked[0]) {
        admin.context().err().println("error: no unrevoked internal token with id " + id);
        return 1;
      }
      admin.context().out().println("Internal token " + id + " revoked.");
      return 0;
    }
  }

  /** A lifetime like {@code 30m}, {@code 12h}, {@code 30d}, or ISO-8601 ({@code PT12H}). */
  static final class Lifetime implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      Duration lifetime = parse(value);
      if (lifetime.isNegative()
          || lifetime.isZero()
          || lifetime.compareTo(TokenIssuer.MAX_INTERNAL_LIFETIME) > 0) {
        throw new CommandLine.TypeConversionException(
            "--lifetime must be positive and at most "
                + TokenIssuer.MAX_INTERNAL_LIFETIME.toDays()
                + "d, got '"
                + value
                + "'");
      }
      return lifetime;
    }

    private static Duration parse(String value) {
      String v = value.strip().toLowerCase(java.util.Locale.ROOT);
      try {
        if (v.startsWith("p")) {
          return Duration.parse(value.strip().toUpperCase(java.util.Locale.ROOT));
        }
        long amount = Long.parseLong(v.substring(0, v.length() - 1));
        return switch (v.charAt(v.length() - 1)) {
          case 'm' -> Duration.ofMinutes(amount);
          case 'h' -> Duration.ofHours(amount);
          case 'd' -> Duration.ofDays(amount);
          default -> throw new CommandLine.TypeConversionException(bad(value));
        };
      } catch (RuntimeException e) {
        if (e instanceof CommandLine.TypeConversionException t) {
          throw t;
        }
        throw new CommandLine.TypeConversionException(bad(value));
      }
    }

    private static String bad(String value) {
      return "--lifetime must be a number with m, h or d (e.g. 12h, 30d), got '" + value + "'";
    }
  }

  /** The admin commands with the platform's error handling (a one-line message, exit 1). */
  public static CommandLine commandLine(AdminContext context) {
    CommandLine line = new CommandLine(new AdminCommands(context));
    line.setOut(new java.io.PrintWriter(context.out(), true));
    line.setErr(new java.io.PrintWriter(context.err(), true));
    line.setExecutionExceptionHandler(
        (ex, cmd, parsed) -> {
          context
              .err()
              .println("error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
          return 1;
        });
    return line;
  }
}
