package dev.racetrack.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.tls.PemFiles;
import dev.racetrack.tls.TlsException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code racetrack set ...} and {@code racetrack get ...}: the client's settings. */
final class ConfigCommands {
  private ConfigCommands() {}

  @Command(
      name = "set",
      description = "Change client settings.",
      subcommands = {SetRemote.class, SetAlias.class, SetCredentials.class, SetCaCert.class})
  static final class Set {
    @ParentCommand RacetrackCli root;
  }

  @Command(name = "remote", description = "Set the current remote (a lifecycle URL or an alias).")
  static final class SetRemote implements Callable<Integer> {
    @ParentCommand Set parent;

    @Parameters(paramLabel = "URL_OR_ALIAS")
    String remote;

    @Override
    public Integer call() {
      ClientConfig config = parent.root.context().config();
      config.setCurrentRemote(remote);
      config.save();
      parent.root.context().out().println("current remote is " + config.resolve(remote));
      return 0;
    }
  }

  @Command(
      name = "ca-cert",
      description =
          "Trust the CA certificate (PEM) that signed the platform's HTTPS certificate"
              + " (RACETRACK_CA_CERT overrides it).")
  static final class SetCaCert implements Callable<Integer> {
    @ParentCommand Set parent;

    @Parameters(paramLabel = "FILE")
    java.nio.file.Path file;

    @Override
    public Integer call() {
      java.nio.file.Path absolute = file.toAbsolutePath().normalize();
      int count;
      try {
        count = PemFiles.certificates(absolute).size();
      } catch (TlsException e) {
        throw new CliException(e.getMessage());
      }
      ClientConfig config = parent.root.context().config();
      config.setCaCert(absolute);
      config.save();
      parent
          .root
          .context()
          .out()
          .println("trusting " + count + " CA certificate(s) from " + absolute);
      return 0;
    }
  }

  @Command(
      name = "alias",
      description = "Name a remote URL, e.g. racetrack set alias dev http://127.0.0.1:7202.")
  static final class SetAlias implements Callable<Integer> {
    @ParentCommand Set parent;

    @Parameters(index = "0", paramLabel = "ALIAS")
    String alias;

    @Parameters(index = "1", paramLabel = "URL")
    String url;

    @Override
    public Integer call() {
      if (!alias.matches("[A-Za-z0-9._-]+")) {
        throw new CliException(
            "alias '" + alias + "' may contain only letters, digits, '.', '_' and '-'");
      }
      ClientConfig config = parent.root.context().config();
      String trimmed = url.replaceAll("/+$", "");
      config.setAlias(alias, trimmed);
      config.save();
      parent.root.context().out().println("alias " + alias + " -> " + trimmed);
      return 0;
    }
  }

  @Command(
      name = "get",
      description = "Show client settings.",
      subcommands = {GetRemote.class, GetAuthToken.class, GetPub.class, GetConfig.class})
  static final class Get {
    @ParentCommand RacetrackCli root;
  }

  @Command(name = "remote", description = "Print the current remote's lifecycle URL.")
  static final class GetRemote implements Callable<Integer> {
    @ParentCommand Get parent;

    @Override
    public Integer call() {
      parent.root.context().out().println(parent.root.context().remote(Optional.empty()));
      return 0;
    }
  }

  @Command(
      name = "auth-token",
      description = "Print the token stored for a remote (for curl -H \"X-Racetrack-Auth: ...\").")
  static final class GetAuthToken implements Callable<Integer> {
    @ParentCommand Get parent;

    @Option(
        names = "--remote",
        description = "Lifecycle URL or alias (default: the current remote).")
    Optional<String> remote;

    @Override
    public Integer call() {
      CliContext context = parent.root.context();
      String url = context.remote(remote);
      context
          .out()
          .println(
              context
                  .config()
                  .token(url)
                  .orElseThrow(
                      () ->
                          new CliException(
                              "no token stored for " + url + "; run racetrack login")));
      return 0;
    }
  }

  @Command(name = "pub", description = "Print the remote's public gateway (PUB) URL.")
  static final class GetPub implements Callable<Integer> {
    @ParentCommand Get parent;

    @Option(
        names = "--remote",
        description = "Lifecycle URL or alias (default: the current remote).")
    Optional<String> remote;

    @Override
    public Integer call() {
      CliContext context = parent.root.context();
      JsonNode info = context.anonymous(context.remote(remote)).get("/api/v1/info", JsonNode.class);
      context.out().println(info.path("external_pub_url").asText());
      return 0;
    }
  }

  @Command(
      name = "credentials",
      description =
          "Store read credentials for private git repositories under REPO_URL (a repository URL"
              + " or a prefix of one, e.g. https://github.com/my-org); deploy sends them when the"
              + " platform builds from git. The token is kept encrypted.")
  static final class SetCredentials implements Callable<Integer> {
    @ParentCommand Set parent;

    @Parameters(index = "0", paramLabel = "REPO_URL")
    String repo;

    @Parameters(index = "1", paramLabel = "USERNAME")
    String username;

    @Parameters(index = "2", paramLabel = "TOKEN")
    String token;

    @Override
    public Integer call() {
      String trimmed = repo.strip().replaceAll("/+$", "");
      if (trimmed.isEmpty() || username.isBlank() || token.isBlank()) {
        throw new CliException("REPO_URL, USERNAME and TOKEN must not be empty");
      }
      ClientConfig config = parent.root.context().config();
      config.setGitCredentials(trimmed, username.strip(), token.strip());
      config.save();
      parent.root.context().out().println("git credentials stored for " + trimmed);
      return 0;
    }
  }

  @Command(
      name = "config",
      description = "Print the client config (tokens and git passwords shown as ***).")
  static final class GetConfig implements Callable<Integer> {
    @ParentCommand Get parent;

    @Override
    public Integer call() {
      ClientConfig config = parent.root.context().config();
      parent.root.context().out().println("# " + config.file());
      parent.root.context().out().print(config.describeRedacted());
      return 0;
    }
  }
}
