package dev.racetrack.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.testsupport.FreePort;
import dev.racetrack.testsupport.Tools;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitoring assets under utils/ against a real Prometheus scraping a real platform: the scrape
 * config (components and file-SD jobs) reaches every target, and every query of the Grafana
 * dashboards is valid PromQL over metrics the platform actually exports.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MonitoringE2EIT {
  private static final Path DIST =
      Path.of(System.getProperty("racetrack.dist", "../server/target/dist"));
  private static final Path SAMPLES =
      Path.of(System.getProperty("racetrack.samples", "../samples"));
  private static final Path UTILS = Path.of(System.getProperty("racetrack.utils", "../utils"));

  /** PromQL words that are not metric names. */
  private static final Set<String> PROMQL_WORDS =
      Set.of(
          "sum",
          "avg",
          "min",
          "max",
          "count",
          "rate",
          "irate",
          "increase",
          "histogram_quantile",
          "time",
          "by",
          "without",
          "on",
          "ignoring",
          "group_left",
          "group_right",
          "and",
          "or",
          "unless",
          "topk",
          "bottomk",
          "abs",
          "clamp_min",
          "clamp_max",
          "label_values",
          "offset",
          "bool");

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

  @TempDir static Path home;
  private PlatformProcess platform;
  private Process prometheus;
  private String prometheusUrl;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    Tools.require("python3");
    Tools.require("bwrap"); // jobs run in the sandbox
    Path prometheusBinary = Tools.require("prometheus");
    Path promtool = Tools.require("promtool");
    platform = new PlatformProcess(DIST, home, Map.of());
    platform.start();
    String admin = platform.loginAsAdmin();
    PlatformProcess.CliResult deploy =
        platform.cli("", "deploy", SAMPLES.resolve("python-adder").toString());
    assertThat(deploy.exitCode()).as(deploy.output()).isZero();
    assertThat(perform("{\"numbers\": [40, 2]}", admin).statusCode()).isEqualTo(200);
    assertThat(perform("{\"numbers\": [\"not a number\"]}", admin).statusCode()).isEqualTo(500);

    Path config = home.resolve("prometheus.yml");
    Files.writeString(config, renderScrapeConfig());
    Process check =
        new ProcessBuilder(promtool.toString(), "check", "config", config.toString())
            .redirectErrorStream(true)
            .start();
    String checkOutput = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(check.waitFor()).as(checkOutput).isZero();

    int port = FreePort.find();
    prometheusUrl = "http://127.0.0.1:" + port;
    prometheus =
        new ProcessBuilder(
                prometheusBinary.toString(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + home.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port)
            .redirectErrorStream(true)
            .redirectOutput(home.resolve("prometheus.log").toFile())
            .start();
  }

  @AfterAll
  void stop() {
    if (prometheus != null) {
      prometheus.destroy();
    }
    if (platform != null) {
      platform.close();
    }
  }

  /** The shipped config with this test's ports, data directory and a fast scrape interval. */
  private String renderScrapeConfig() throws IOException {
    String config = Files.readString(UTILS.resolve("prometheus/prometheus.yml"));
    Map<String, String> replacements = new LinkedHashMap<>();
    replacements.put("127.0.0.1:7202", hostPort(platform.lifecycleUrl()));
    replacements.put("127.0.0.1:7205", hostPort(platform.pubUrl()));
    replacements.put("127.0.0.1:7201", "127.0.0.1:" + platform.imageBuilderPort());
    replacements.put("/racetrack-data/", platform.dataDir() + "/");
    replacements.put("scrape_interval: 15s", "scrape_interval: 1s");
    replacements.put("scrape_timeout: 10s", "scrape_timeout: 1s");
    replacements.put("refresh_interval: 30s", "refresh_interval: 1s");
    for (Map.Entry<String, String> r : replacements.entrySet()) {
      assertThat(config).as("utils/prometheus/prometheus.yml").contains(r.getKey());
      config = config.replace(r.getKey(), r.getValue());
    }
    return config;
  }

  private static String hostPort(String url) {
    URI uri = URI.create(url);
    return uri.getHost() + ":" + uri.getPort();
  }

  @Test
  void prometheus_scrapesLifecycleImageBuilderPubAndTheJob() {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .untilAsserted(
            () -> {
              Map<String, String> up = new LinkedHashMap<>();
              for (JsonNode series : query("up")) {
                String job = series.path("metric").path("job").asText();
                String jobName = series.path("metric").path("job_name").asText("");
                up.put(
                    jobName.isEmpty() ? job : job + "/" + jobName,
                    series.path("value").get(1).asText());
              }
              assertThat(up)
                  .containsEntry("lifecycle", "1")
                  .containsEntry("image-builder", "1")
                  .containsEntry("pub", "1")
                  .containsEntry("job-python-adder-v-0-0-1/python-adder", "1");
            });
  }

  @Test
  void dashboards_queryOnlyMetricsThePlatformExports() throws IOException {
    List<Path> dashboards;
    try (Stream<Path> files = Files.list(UTILS.resolve("grafana/dashboards"))) {
      dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(dashboards)
        .extracting(p -> p.getFileName().toString())
        .contains("racetrack-jobs.json", "racetrack-pub.json", "racetrack-lifecycle.json");
    Set<String> metrics = new TreeSet<>();
    List<String> expressions = new ArrayList<>();
    for (Path file : dashboards) {
      JsonNode dashboard = Json.mapper().readTree(file.toFile());
      checkStructure(file, dashboard);
      for (String expr : expressions(dashboard)) {
        expressions.add(expr);
        metrics.addAll(metricNames(expr));
      }
    }
    assertThat(metrics).hasSizeGreaterThan(30);

    // Every metric has series once the platform has built, served and failed a call.
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> {
              Set<String> missing = new TreeSet<>();
              for (String metric : metrics) {
                if (query("count({__name__=\"" + metric + "\"})").isEmpty()) {
                  missing.add(metric);
                }
              }
              assertThat(missing).as("dashboard metrics with no series in Prometheus").isEmpty();
            });
    // And every query is valid PromQL (Grafana's variables set as Grafana would).
    for (String expr : expressions) {
      String promql = expr.replace("$__rate_interval", "1m").replace("$job_name", ".*");
      if (promql.startsWith("label_values(")) {
        continue; // a Grafana function, its metric was checked above
      }
      JsonNode answer = queryRaw(promql);
      assertThat(answer.path("status").asText()).as(promql + " -> " + answer).isEqualTo("success");
    }
  }

  private static void checkStructure(Path file, JsonNode dashboard) {
    assertThat(dashboard.path("uid").asText()).as(file + " uid").isNotEmpty();
    Set<Integer> ids = new HashSet<>();
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(ids.add(panel.path("id").asInt())).as(file + " duplicate panel id").isTrue();
      assertThat(panel.path("gridPos").isObject()).as(file + " gridPos").isTrue();
      if (!panel.path("type").asText().equals("row")) {
        assertThat(panel.path("targets").size()).as(file + " " + panel.path("title")).isPositive();
        assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
      }
    }
  }

  private static List<String> expressions(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : dashboard.path("panels")) {
      for (JsonNode target : panel.path("targets")) {
        out.add(target.path("expr").asText());
      }
    }
    for (JsonNode variable : dashboard.path("templating").path("list")) {
      if (variable.path("type").asText().equals("query")) {
        out.add(variable.path("query").path("query").asText());
      }
    }
    return out;
  }

  /** The metric names in a PromQL expression (label matchers, ranges and groupings removed). */
  static Set<String> metricNames(String expr) {
    String stripped =
        expr.replaceAll("\"[^\"]*\"", "")
            .replaceAll("\\{[^}]*}", " ")
            .replaceAll("\\[[^]]*]", " ")
            .replaceAll("\\b(by|without|on|ignoring)\\s*\\([^)]*\\)", " ");
    Matcher matcher = IDENTIFIER.matcher(stripped);
    Set<String> names = new TreeSet<>();
    while (matcher.find()) {
      String word = matcher.group();
      boolean label =
          stripped.startsWith("label_values(") && stripped.indexOf(',') < matcher.start();
      if (!PROMQL_WORDS.contains(word) && !label) {
        names.add(word);
      }
    }
    return names;
  }

  private List<JsonNode> query(String promql) {
    JsonNode answer = queryRaw(promql);
    assertThat(answer.path("status").asText()).as(promql + " -> " + answer).isEqualTo("success");
    List<JsonNode> result = new ArrayList<>();
    answer.path("data").path("result").forEach(result::add);
    return result;
  }

  private JsonNode queryRaw(String promql) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(
                      URI.create(
                          prometheusUrl
                              + "/api/v1/query?query="
                              + URLEncoder.encode(promql, StandardCharsets.UTF_8)))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return Json.mapper().readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<String> perform(String body, String token)
      throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(
                URI.create(platform.pubUrl() + "/job/python-adder/latest/api/v1/perform"))
            .header("X-Racetrack-Auth", token)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
