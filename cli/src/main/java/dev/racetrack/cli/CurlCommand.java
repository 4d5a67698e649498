package dev.racetrack.cli;

import java.util.Optional;

/**
 * The curl command equivalent to a {@code racetrack call}: same URL, method, token header and JSON
 * body, each argument quoted for a POSIX shell.
 */
final class CurlCommand {
  private CurlCommand() {}

  /**
   * @param token the token, or a shell expression that prints it (left unquoted-expandable)
   * @param literalToken whether {@code token} is the token itself (quoted) or an expression
   * @param jsonBody the body to POST, or empty for a GET
   */
  static String of(String url, String token, boolean literalToken, Optional<String> jsonBody) {
    StringBuilder command = new StringBuilder("curl");
    if (jsonBody.isPresent()) {
      command.append(" -X POST");
    }
    command.append(' ').append(quote(url));
    String auth = "X-Racetrack-Auth: " + token;
    command.append(" -H ").append(literalToken ? quote(auth) : "\"" + auth + "\"");
    jsonBody.ifPresent(
        body ->
            command
                .append(" -H ")
                .append(quote("Content-Type: application/json"))
                .append(" -d ")
                .append(quote(body)));
    return command.toString();
  }

  /** Single-quotes a word for a POSIX shell: nothing inside is expanded. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }
}
