package dev.racetrack.pub;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Per-job hosts ({@code PUB_JOB_DOMAIN}): with the domain {@code jobs.example.com}, a request whose
 * {@code Host} is {@code NAME.jobs.example.com} (any port) is a call to job NAME, so each job's
 * pages get an origin of their own. There, a path {@code P} means {@code /pub/job/NAME/latest/P};
 * an explicit job path ({@code /pub/job/NAME/VERSION/...}, {@code /job/...}, {@code /fatman/...})
 * is accepted for the same NAME only. A host with more than one label under the domain, or a label
 * that is not a job name, is refused. Other hosts are PUB's ordinary host and are left as they are;
 * so are the docs page's assets ({@code /pub/swagger-ui/}). Both request paths (the event-loop
 * front and the gateway) route through this one function.
 */
final class JobHost {
  /** What job names may be (the manifest's rule), at most one DNS label long. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private static final String[] JOB_PREFIXES = {"/pub/job/", "/job/", "/fatman/"};

  private final Optional<String> suffix;

  /** {@code domain}: the job domain, e.g. {@code jobs.example.com}; empty turns the mode off. */
  JobHost(Optional<String> domain) {
    this.suffix = domain.map(d -> "." + normalized(d));
  }

  /** Where a request goes. */
  sealed interface Route {}

  /** Not a job host: the path as it was. */
  record Ordinary(String path) implements Route {}

  /** A job host: the job and the request path in PUB's own form ({@code /pub/job/NAME/...}). */
  record Job(String name, String path) implements Route {}

  /** A job host that names no job, or a path of another job on a job's host. */
  record Refused(int status, String message) implements Route {}

  /** Routes a request by its {@code Host} header (may be absent) and its path. */
  Route route(Optional<String> host, String path) {
    if (suffix.isEmpty() || host.isEmpty()) {
      return new Ordinary(path);
    }
    String name = normalized(host.get());
    if (!name.endsWith(suffix.get())) {
      return new Ordinary(path);
    }
    String label = name.substring(0, name.length() - suffix.get().length());
    if (!LABEL.matcher(label).matches()) {
      return new Refused(400, "not a job host: " + host.get().strip());
    }
    if (path.startsWith(SwaggerPages.ASSET_PREFIX)) {
      return new Ordinary(path); // the docs page's scripts and styles, the same for every job
    }
    for (String prefix : JOB_PREFIXES) {
      if (path.startsWith(prefix)) {
        String rest = path.substring(prefix.length());
        int slash = rest.indexOf('/');
        String job = slash < 0 ? rest : rest.substring(0, slash);
        if (!job.equals(label)) {
          return new Refused(404, "Not found on the host of job " + label + ": " + path);
        }
        return new Job(label, "/pub/job/" + rest);
      }
    }
    return new Job(
        label, "/pub/job/" + label + "/latest" + (path.startsWith("/") ? "" : "/") + path);
  }

  /** Lower case, without the port and a trailing dot. */
  private static String normalized(String host) {
    String h = host.strip().toLowerCase(Locale.ROOT);
    int colon = h.lastIndexOf(':');
    if (colon >= 0 && h.indexOf(']') < colon) {
      h = h.substring(0, colon);
    }
    return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
  }
}
