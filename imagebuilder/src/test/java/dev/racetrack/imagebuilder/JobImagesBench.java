package dev.racetrack.imagebuilder;

import com.fasterxml.jackson.databind.JsonNode;
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
        for (int n = 0; n < 200; n++) {
          images.perform(port);
        }
        long rss = images.rssKb(images.lastContainer);
        System.out.printf(
            "BENCH %s: image %.1f MB compressed (%d layers, job's own layers %.1f kB), cold build"
                + " %d ms, unchanged redeploy %d ms (same digest: %s), RSS after 200 calls %d kB;"
                + " entrypoint %s%n",
            job,
            total / 1e6,
            count,
            app / 1e3,
            cold / 1_000_000,
            warm / 1_000_000,
            image.equals(again),
            rss,
            config.at("/config/Entrypoint"));
      }
    }
  }
}
