package dev.racetrack.lifecycle.admin;

import dev.racetrack.lifecycle.LifecycleApp;
import dev.racetrack.lifecycle.LifecycleConfig;
import dev.racetrack.lifecycle.LifecycleMain;
import dev.racetrack.lifecycle.audit.AuditLog;
import dev.racetrack.lifecycle.auth.Accounts;
import dev.racetrack.lifecycle.auth.AuthSubjectRepository;
import dev.racetrack.lifecycle.auth.AuthTokenRepository;
import dev.racetrack.lifecycle.auth.Authorizer;
import dev.racetrack.lifecycle.auth.Jwt;
import dev.racetrack.lifecycle.auth.LoginThrottle;
import dev.racetrack.lifecycle.auth.PasswordHasher;
import dev.racetrack.lifecycle.auth.PasswordPolicy;
import dev.racetrack.lifecycle.auth.PermissionRepository;
import dev.racetrack.lifecycle.auth.TokenIssuer;
import dev.racetrack.lifecycle.auth.UserRepository;
import dev.racetrack.lifecycle.gateway.GatewayNotifier;
import dev.racetrack.model.config.EnvReader;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jdbi.v3.core.Jdbi;
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
      AdminCommands.GenerateAuth.class
    })
public final class AdminCommands {
  private final AdminContext context;

  public AdminCommands(AdminContext context) {
    this.context = context;
  }

  AdminContext context() {
    return context;
  }

  /** Runs {@code work} with the accounts of the configured database. */
  void withAccounts(Consumer<Accounts> work) {
    LifecycleConfig config = config(context);
    try (AdminDatabase db = AdminDatabase.open(config.database(), config.dataDir())) {
      work.accept(accounts(db.database().jdbi(), config));
    }
  }

  static LifecycleConfig config(AdminContext context) {
    EnvReader env = new EnvReader(context.env());
    return LifecycleConfig.fromEnv(
        context.env(), LifecycleMain.authKey(context.env(), env.dataDir()), "admin-command");
  }

  private static Accounts accounts(Jdbi jdbi, LifecycleConfig config) {
    UserRepository users = new UserRepository(jdbi);
    PermissionRepository permissions = new PermissionRepository(jdbi);
    return new Accounts(
        new Accounts.Parts(
            jdbi,
            users,
            new AuthSubjectRepository(),
            permissions,
            new TokenIssuer(
                new Jwt(config.authKey()),
                new AuthTokenRepository(jdbi, LifecycleApp.secretBox(config))),
            new PasswordHasher(),
            PasswordPolicy.standard(),
            new LoginThrottle(Clock.systemUTC()),
            new Authorizer(permissions, users),
            new AuditLog(),
            new GatewayNotifier(
                HttpClient.newHttpClient(), config.internalPubUrl(), config.internalToken())));
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
        "Print an internal full-access token for SUBJECT, signed with the current AUTH_KEY and not stored",
        "(the emergency key for rotating AUTH_KEY, or a token for a component such as PUB)."
      })
  static final class GenerateAuth implements Callable<Integer> {
    @ParentCommand AdminCommands admin;

    @Parameters(paramLabel = "SUBJECT")
    String subject;

    @Option(names = "--short", description = "Print only the token.")
    boolean onlyToken;

    @Override
    public Integer call() {
      LifecycleConfig config = config(admin.context());
      String token =
          TokenIssuer.internal(new Jwt(config.authKey()), subject, List.of("full_access"));
      if (onlyToken) {
        admin.context().out().println(token);
      } else {
        admin.context().out().println("Service: " + subject);
        admin.context().out().println("LIFECYCLE_AUTH_TOKEN:");
        admin.context().out().println(token);
      }
      return 0;
    }
  }
}
