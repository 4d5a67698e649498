package dev.racetrack.dashboard.job;

import static dev.racetrack.dashboard.web.Web.seg;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * Where a job's page links: the job's own URL as lifecycle reports it ({@code pub_url}: a job host
 * when PUB serves jobs on their own hosts), and its home page ({@code jobtype_extra.home_page} of
 * its manifest, a path of the job; the wrapper's {@code /} otherwise).
 */
final class JobLinks {
  /** A path inside the job: no scheme, no host, no way out of the job's URL. */
  private static final Pattern JOB_PATH = Pattern.compile("^/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*$");

  private JobLinks() {}

  /** The job's URL without a trailing slash. */
  static String url(JsonNode job, String pubUrl) {
    String reported = job.path("pub_url").asText("");
    if (!reported.isBlank()) {
      return reported.endsWith("/") ? reported.substring(0, reported.length() - 1) : reported;
    }
    return pubUrl
        + "/job/"
        + seg(job.path("name").asText())
        + "/"
        + seg(job.path("version").asText());
  }

  /** The path "Open" goes to: the manifest's {@code home_page} when it is a path of the job. */
  static String homePage(JsonNode job) {
    String yaml = job.path("manifest_yaml").asText("");
    if (yaml.isBlank()) {
      return "/";
    }
    try {
      String page = Json.yaml().readTree(yaml).path("jobtype_extra").path("home_page").asText("");
      return JOB_PATH.matcher(page).matches() && !page.startsWith("//") && !page.contains("..")
          ? page
          : "/";
    } catch (IOException e) {
      return "/";
    }
  }
}
