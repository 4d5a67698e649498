package dev.racetrack.model.version;

import dev.racetrack.model.error.NotFoundException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Resolves the version a caller asked for ({@code latest}, {@code 1.x}, {@code 1.2.x} or an exact
 * version) against the versions of a job family (§12.3).
 */
public final class VersionAlias {

  public static final String LATEST = "latest";
  private static final Pattern WILDCARD = Pattern.compile("(\\d+|x)(\\.(\\d+|x))*");

  private VersionAlias() {}

  /** True when {@code requested} is not an exact version but an alias to resolve. */
  public static boolean isAlias(String requested) {
    return LATEST.equals(requested) || isWildcard(requested);
  }

  private static boolean isWildcard(String requested) {
    return WILDCARD.matcher(requested).matches() && requested.contains("x");
  }

  /**
   * Picks the version {@code requested} stands for among {@code candidates}, the versions eligible
   * for aliases (jobs that are running, failing or lost; never starting ones).
   *
   * @throws NotFoundException when an alias matches no stable version
   */
  public static String resolve(String jobName, String requested, Collection<String> candidates) {
    if (!isAlias(requested)) {
      return requested;
    }
    List<SemVer> stable =
        candidates.stream()
            .map(SemVer::tryParse)
            .flatMap(Optional::stream)
            .filter(SemVer::isStable)
            .filter(v -> LATEST.equals(requested) || matchesWildcard(requested, v))
            .sorted()
            .toList();
    if (stable.isEmpty()) {
      throw new NotFoundException(
          "No stable version found for job "
              + jobName
              + (LATEST.equals(requested) ? "" : " matching " + requested));
    }
    return stable.getLast().toString();
  }

  private static boolean matchesWildcard(String pattern, SemVer version) {
    String[] wanted = pattern.split("\\.");
    long[] actual = {version.major(), version.minor(), version.patch()};
    if (wanted.length > actual.length) {
      return false;
    }
    for (int i = 0; i < wanted.length; i++) {
      if (!"x".equals(wanted[i]) && Long.parseLong(wanted[i]) != actual[i]) {
        return false;
      }
    }
    return true;
  }
}
