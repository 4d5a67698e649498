package dev.racetrack.lifecycle.job;

import dev.racetrack.model.error.ValidationException;
import java.net.URI;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where users reach a job version through PUB (its {@code pub_url}): {@code
 * EXTERNAL_PUB_URL/job/NAME/VERSION}, or, when jobs have hosts of their own ({@code
 * PUB_JOB_DOMAIN}, docs/admin.md "Security model"), {@code
 * SCHEME://NAME.DOMAIN[:PORT]/pub/job/NAME/ VERSION} with the scheme and port of {@code
 * EXTERNAL_PUB_URL}: the job's own origin, where PUB accepts the job's explicit paths.
 */
public final class JobUrls {
  private static final Pattern DOMAIN =
      Pattern.compile("([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private final String externalPubUrl;
  private final Optional<String> jobOrigin; // "scheme://" and ".domain[:port]" joined by '\n'

  /**
   * @param jobDomain {@code PUB_JOB_DOMAIN}; empty when jobs are served under PUB's host only
   * @throws ValidationException naming PUB_JOB_DOMAIN when it is not a domain name
   */
  public JobUrls(String externalPubUrl, Optional<String> jobDomain) {
    this.externalPubUrl = Objects.requireNonNull(externalPubUrl);
    this.jobOrigin = jobDomain.map(d -> origin(externalPubUrl, d));
  }

  /** Without job hosts. */
  public static JobUrls underPub(String externalPubUrl) {
    return new JobUrls(externalPubUrl, Optional.empty());
  }

  private static String origin(String externalPubUrl, String domain) {
    String normalized = domain.strip().toLowerCase(Locale.ROOT);
    if (!DOMAIN.matcher(normalized).matches()) {
      throw new ValidationException(
          "PUB_JOB_DOMAIN must be a domain name like jobs.example.com, not " + domain);
    }
    URI pub = URI.create(externalPubUrl);
    String scheme = pub.getScheme() == null ? "http" : pub.getScheme();
    return scheme + "://\n." + normalized + (pub.getPort() < 0 ? "" : ":" + pub.getPort());
  }

  /** The job version's URL. */
  public String of(String name, String version) {
    if (jobOrigin.isEmpty()) {
      return externalPubUrl + "/job/" + name + "/" + version;
    }
    String[] origin = jobOrigin.get().split("\n", 2);
    return origin[0] + name + origin[1] + "/pub/job/" + name + "/" + version;
  }
}
