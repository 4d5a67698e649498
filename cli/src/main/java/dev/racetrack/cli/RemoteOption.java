package dev.racetrack.cli;

import dev.racetrack.model.http.ApiClient;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --remote}, mixed into commands that talk to the lifecycle API. */
final class RemoteOption {
  @Option(names = "--remote", description = "Lifecycle URL or alias (default: the current remote).")
  Optional<String> remote = Optional.empty();

  /** The resolved lifecycle URL. */
  String url(CliContext context) {
    return context.remote(remote);
  }

  /** A client sending the token stored for the remote. */
  ApiClient api(CliContext context) {
    return context.api(url(context));
  }
}
