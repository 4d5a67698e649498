package dev.racetrack.cli;

import dev.racetrack.model.http.ApiClient;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** What every command works with: environment, streams, the config file and HTTP. */
public record CliContext(
    Map<String, String> env, PrintStream out, PrintStream err, InputStream in, HttpClient http) {
  public CliContext {
    env = Map.copyOf(env);
  }

  /** The real process context. */
  public static CliContext system() {
    return new CliContext(
        System.getenv(),
        System.out,
        System.err,
        System.in,
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
  }

  ClientConfig config() {
    return ClientConfig.load(ClientConfig.defaultPath(env), err);
  }

  /** The lifecycle URL a command talks to: {@code --remote} if given, else the current remote. */
  String remote(Optional<String> override) {
    ClientConfig config = config();
    return config.resolve(override.orElse(config.currentRemote()));
  }

  /** An API client for a remote, with its stored token. */
  ApiClient api(String lifecycleUrl) {
    String token =
        config()
            .token(lifecycleUrl)
            .orElseThrow(
                () ->
                    new CliException(
                        "missing auth token for "
                            + lifecycleUrl
                            + ". You need to do: racetrack login --remote "
                            + lifecycleUrl
                            + " <token>"
                            + " (or racetrack login --username <user>)"));
    return new ApiClient(
        http,
        lifecycleUrl,
        Map.of(ApiClient.AUTH_HEADER, token, "User-Agent", "racetrack-cli"),
        Duration.ofSeconds(60));
  }

  /** An API client without credentials (login). */
  ApiClient anonymous(String lifecycleUrl) {
    return new ApiClient(
        http, lifecycleUrl, Map.of("User-Agent", "racetrack-cli"), Duration.ofSeconds(60));
  }
}
