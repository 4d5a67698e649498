package dev.racetrack.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.racetrack.model.Job;
import dev.racetrack.model.Json;
import dev.racetrack.model.http.ApiClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** Commands about deployed jobs: list, call, delete. */
final class JobCommands {
  private JobCommands() {}

  static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Command(
      name = "list",
      description =
          "List the jobs you may see (NAME, VERSION, STATUS and the columns asked for), page by page.")
  static final class ListJobs implements Callable<Integer> {
    /** Jobs asked for per request; the server allows up to 100. */
    static final int PAGE_SIZE = 100;

    @ParentCommand RacetrackCli root;

    @Option(
        names = "--remote",
        description = "Lifecycle URL or alias (default: the current remote).")
    Optional<String> remote;

    @Option(
        names = {"-o", "--output"},
        description = "table (default) or json.",
        defaultValue = "table")
    String output;

    @Option(
        names = {"-c", "--column"},
        paramLabel = "COLUMN",
        description =
            "Extra column to show (repeatable): ${COMPLETION-CANDIDATES}, or all for every one.")
    List<ListColumn> columns = new ArrayList<>();

    @Override
    public Integer call() {
      if (!"json".equals(output) && !"table".equals(output)) {
        throw new CliException("--output must be table or json, got '" + output + "'");
      }
      CliContext context = root.context();
      List<Job> jobs = fetch(context.api(context.remote(remote)));
      if ("json".equals(output)) {
        context.out().println(Json.write(jobs));
        return 0;
      }
      List<ListColumn> shown = ListColumn.expand(columns);
      List<String[]> rows = new ArrayList<>();
      List<String> header = new ArrayList<>(List.of("NAME", "VERSION", "STATUS"));
      shown.forEach(c -> header.add(c.header()));
      rows.add(header.toArray(String[]::new));
      for (Job job : jobs) {
        List<String> row =
            new ArrayList<>(List.of(job.name(), job.version(), job.status().wireName()));
        shown.forEach(c -> row.add(c.cell(job)));
        rows.add(row.toArray(String[]::new));
      }
      Table.print(context.out(), rows);
      return 0;
    }

    /**
     * Every job, following the paged API's cursors; a server without paging answers the whole list
     * at once, which is taken as it is.
     */
    static List<Job> fetch(ApiClient api) {
      List<Job> jobs = new ArrayList<>();
      String path = "/api/v1/job?limit=" + PAGE_SIZE + "&sort=newest";
      while (true) {
        JsonNode answer = api.get(path, JsonNode.class);
        if (answer.isArray()) {
          return Json.mapper().convertValue(answer, new TypeReference<List<Job>>() {});
        }
        jobs.addAll(
            Json.mapper().convertValue(answer.path("items"), new TypeReference<List<Job>>() {}));
        JsonNode next = answer.path("next_cursor");
        if (!next.isTextual()) {
          return jobs;
        }
        path =
            "/api/v1/job?limit="
                + PAGE_SIZE
                + "&sort=newest&cursor="
                + URLEncoder.encode(next.asText(), StandardCharsets.UTF_8);
      }
    }
  }

  /** Reads exactly one JSON document: trailing text is an error, not silently dropped. */
  private static final ObjectReader STRICT_JSON =
      Json.mapper().reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Command(
      name = "call",
      description =
          "Call a job endpoint through the gateway, e.g. racetrack call adder /api/v1/perform '{\"numbers\": [40, 2]}'.")
  static final class Call implements Callable<Integer> {
    @ParentCommand RacetrackCli root;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(
        index = "1",
        paramLabel = "ENDPOINT",
        description = "Path of the endpoint, e.g. /api/v1/perform.")
    String endpoint;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "PAYLOAD",
        description = "JSON (or YAML) body; none for a GET.")
    Optional<String> payload;

    @Option(
        names = "--version",
        defaultValue = "latest",
        description = "Job version or alias (default: latest).")
    String version;

    @Option(
        names = "--remote",
        description = "Lifecycle URL or alias (default: the current remote).")
    Optional<String> remote;

    @Option(
        names = "--async",
        description =
            "Call as an async task: PUB runs the call, the client polls it (showing progress)"
                + " until the answer comes; for calls longer than a connection may stay open.")
    boolean async;

    @Option(
        names = "--curl",
        description =
            "Print the equivalent curl command instead of calling; the token is left to"
                + " $(racetrack get auth-token) unless --show-token.")
    boolean curl;

    @Option(names = "--show-token", description = "With --curl: put the token itself in it.")
    boolean showToken;

    @Override
    public Integer call() throws IOException, InterruptedException {
      CliContext context = root.context();
      String lifecycle = context.remote(remote);
      String token =
          context
              .config()
              .token(lifecycle)
              .orElseThrow(
                  () ->
                      new CliException(
                          "no token stored for " + lifecycle + "; run racetrack login"));
      Job job =
          context
              .api(lifecycle)
              .get("/api/v1/job/" + segment(name) + "/" + segment(version), Job.class);
      if (job.pubUrl() == null || job.pubUrl().isBlank()) {
        throw new CliException("job " + name + " v" + job.version() + " has no public URL");
      }
      String path = endpoint.startsWith("/") ? endpoint : "/" + endpoint;
      if (curl) {
        context
            .out()
            .println(
                CurlCommand.of(
                    job.pubUrl() + path,
                    showToken ? token : "$(racetrack get auth-token --remote " + lifecycle + ")",
                    showToken,
                    payload.map(
                        p ->
                            new String(Json.writeBytes(parsePayload(p)), StandardCharsets.UTF_8))));
        return 0;
      }
      HttpRequest.Builder request = HttpRequest.newBuilder();
      if (payload.isPresent()) {
        Object body = parsePayload(payload.get());
        request
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(body)));
      } else {
        request.GET();
      }
      HttpResponse<String> response;
      if (async) {
        response =
            new AsyncCall(context.http(), token, context.err())
                .run(AsyncCall.pubJobUrl(context, lifecycle, job.pubUrl()), path, request);
      } else {
        request
            .uri(URI.create(job.pubUrl() + path))
            .timeout(Duration.ofMinutes(10))
            .header(ApiClient.AUTH_HEADER, token);
        response = context.http().send(request.build(), HttpResponse.BodyHandlers.ofString());
      }
      String body = response.body();
      if (async && response.statusCode() == 500 && !AsyncCall.failure(body).isEmpty()) {
        throw new CliException(AsyncCall.failure(body));
      }
      if (response.statusCode() < 200 || response.statusCode() >= 300) {
        throw new CliException(
            "job " + name + " answered HTTP " + response.statusCode() + ": " + body.strip());
      }
      context.out().println(pretty(body));
      return 0;
    }

    /** JSON first: YAML is not quite a superset of JSON (it rejects the JSON escape "\/"). */
    private static Object parsePayload(String text) {
      try {
        return STRICT_JSON.forType(Object.class).readValue(text);
      } catch (IOException notJson) {
        try {
          return Json.yaml().readValue(text, Object.class);
        } catch (IOException e) {
          throw new CliException("PAYLOAD is neither JSON nor YAML: " + e.getMessage());
        }
      }
    }

    /** The body indented when it is one JSON document, else unchanged (e.g. "200 OK"). */
    private static String pretty(String body) {
      try {
        JsonNode node = STRICT_JSON.readTree(body);
        if (node == null || node.isMissingNode()) {
          return body;
        }
        return Json.mapper().writer(SerializationFeature.INDENT_OUTPUT).writeValueAsString(node);
      } catch (IOException e) {
        return body;
      }
    }
  }

  @Command(
      name = "delete",
      description =
          "Delete a job version (it goes to the trash: the name+version cannot be reused without --force).")
  static final class Delete implements Callable<Integer> {
    @ParentCommand RacetrackCli root;

    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--version", required = true, description = "Version to delete.")
    String version;

    @Option(
        names = "--remote",
        description = "Lifecycle URL or alias (default: the current remote).")
    Optional<String> remote;

    @Override
    public Integer call() {
      CliContext context = root.context();
      JsonNode result =
          context
              .api(context.remote(remote))
              .delete("/api/v1/job/" + segment(name) + "/" + segment(version), JsonNode.class);
      JsonNode deleted = result.path("deleted");
      context
          .out()
          .println(
              "deleted job "
                  + deleted.path("name").asText(name)
                  + " v"
                  + deleted.path("version").asText(version));
      return 0;
    }
  }

  /** Column-aligned output. */
  static final class Table {
    private Table() {}

    /** A Unix-seconds timestamp as ISO-8601 UTC, or {@code absent} when null or missing. */
    static String time(JsonNode seconds, String absent) {
      return seconds.isNumber() ? Instant.ofEpochSecond(seconds.asLong()).toString() : absent;
    }

    static void print(PrintStream out, List<String[]> rows) {
      int columns = rows.getFirst().length;
      int[] widths = new int[columns];
      rows.forEach(
          r -> {
            for (int i = 0; i < columns; i++) {
              widths[i] = Math.max(widths[i], r[i].length());
            }
          });
      for (String[] row : rows) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < columns; i++) {
          line.append(
              i == columns - 1
                  ? row[i]
                  : String.format(Locale.ROOT, "%-" + (widths[i] + 2) + "s", row[i]));
        }
        out.println(line.toString().stripTrailing());
      }
    }
  }
}
