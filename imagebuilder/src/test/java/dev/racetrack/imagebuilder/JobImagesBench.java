package dev.racetrack.imagebuilder;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.testsupport.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Figures for docs/benchmarks.md (not part of the test suite: run it by name, e.g. {@code
 * -Dit.test= JobImagesBench}): image sizes, cold and unchanged-redeploy build times, and the
 * resident size of the running python and java adder jobs.
 */
class JobImagesBench {
  @TempDir Path tmp;

  @Test
  void measure() throws Exception {
    for (String job : new String[] {"python-adder", "java-adder"}) {
      try (JobImagesFixture images =
          new JobImagesFixture(tmp.resolve(job), tmp.resolve(job + "-data"))) {
        Path source = JobImagesFixture.SAMPLES.resolve(job);
        long start = System.nanoTime();
        String image = images.buildImage(source, Map.of());
        long cold = System.nanoTime() - start;
        start = System.nanoTime();
        String again = images.buildImage(source, Map.of());
        long warm = System.nanoTime() - start;
        JsonNode manifest = images.manifest(image);
        long total = manifest.at("/config/size").asLong();
        long app = 0;
        int count = manifest.get("layers").size();
        int i = 0;
        for (JsonNode layer : manifest.get("layers")) {
          total += layer.get("size").asLong();
          i++;
        }
        JsonNode config = images.config(image);
        int baseLayers = count - 2; // the wrapper and code layers (the adders have no dependencies)
        i = 0;
        for (JsonNode layer : manifest.get("layers")) {
          if (i++ >= baseLayers) {
            app += layer.get("size").asLong();
          }
        }
        int port = images.start(image, job);
        String secret = images.callSecretOf(port);
        for (int n = 0; n < 200; n++) {
          images.perform(port);
        }
        scrape(port, secret);
        long rss = images.rssKb(images.lastContainer);
        String load = load(port, secret);
        scrape(port, secret);
        long rssLoaded = images.rssKb(images.lastContainer);
        System.out.printf(
            "BENCH %s: image %.1f MB compressed (%d layers, job's own layers %.1f kB), cold build"
                + " %d ms, unchanged redeploy %d ms (same digest: %s), RSS after 200 calls %d kB,"
                + " after 25 s of wrk -c32 (%s) %d kB; entrypoint %s%n",
            job,
            total / 1e6,
            count,
            app / 1e3,
            cold / 1_000_000,
            warm / 1_000_000,
            image.equals(again),
            rss,
            load,
            rssLoaded,
            config.at("/config/Entrypoint"));
      }
    }
  }

  /**
   * One {@code /metrics} scrape, as the platform's Prometheus makes: what it loads stays in the
   * job's memory, so the figures include it.
   */
  private static void scrape(int port, String secret) throws Exception {
    try (java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient()) {
      java.net.http.HttpResponse<String> response =
          client.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("http://127.0.0.1:" + port + "/metrics"))
                  .header("X-Racetrack-Job-Secret", secret)
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("/metrics answered " + response.statusCode());
      }
    }
  }

  /**
   * 25 s of {@code wrk -t1 -c32} POSTs to perform (15 s of warm-up, 10 s measured), then 3 s of
   * rest: what the job keeps under load, as the local target's figures are taken.
   */
  private String load(int port, String secret) throws Exception {
    Path wrk = Tools.require("wrk");
    Path script = tmp.resolve("post-" + port + ".lua");
    Files.writeString(
        script,
        "wrk.method = \"POST\"\n"
            + "wrk.body = '{\"numbers\": [40, 2]}'\n"
            + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
            + "wrk.headers[\"X-Racetrack-Job-Secret\"] = \""
            + secret
            + "\"\n");
    String url = "http://127.0.0.1:" + port + "/api/v1/perform";
    String rate = "";
    for (String seconds : new String[] {"15", "10"}) {
      Process run =
          new ProcessBuilder(
                  wrk.toString(), "-t1", "-c32", "-d" + seconds + "s", "-s", script.toString(), url)
              .redirectErrorStream(true)
              .start();
      String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      run.waitFor();
      rate = out.lines().filter(l -> l.startsWith("Requests/sec")).findFirst().orElse(out);
    }
    Thread.sleep(3000);
    return rate.strip();
  }
}
