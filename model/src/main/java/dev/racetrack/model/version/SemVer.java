package dev.racetrack.model.version;

import dev.racetrack.model.error.ValidationException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Semantic Versioning 2.0.0 version. Ordering follows the SemVer precedence rules: numeric
 * major/minor/patch; a release ranks above its pre-releases; pre-release identifiers compare
 * numerically when numeric and lexically otherwise; build metadata is ignored.
 */
public record SemVer(long major, long minor, long patch, String preRelease, String build)
    implements Comparable<SemVer> {

  /** The official regular expression from semver.org. */
  private static final Pattern SEMVER =
      Pattern.compile(
          "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
              + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)"
              + "(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
              + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");

  private static final Comparator<SemVer> ORDER =
      Comparator.comparingLong(SemVer::major)
          .thenComparingLong(SemVer::minor)
          .thenComparingLong(SemVer::patch)
          .thenComparing(SemVer::comparePreRelease);

  public SemVer {
    preRelease = preRelease == null ? "" : preRelease;
    build = build == null ? "" : build;
  }

  /** Parses a version, or explains why it is not SemVer. */
  public static SemVer parse(String text) {
    return tryParse(text)
        .orElseThrow(
            () ->
                new ValidationException(
                    "version '"
                        + text
                        + "' is not a valid SemVer 2.0 version (expected"
                        + " MAJOR.MINOR.PATCH[-prerelease][+build], e.g. 1.2.3)"));
  }

  /** Parses a version if it is valid SemVer. */
  public static Optional<SemVer> tryParse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher m = SEMVER.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new SemVer(
              Long.parseLong(m.group(1)),
              Long.parseLong(m.group(2)),
              Long.parseLong(m.group(3)),
              m.group(4),
              m.group(5)));
    } catch (NumberFormatException e) {
      return Optional.empty(); // a component beyond the range of long
    }
  }

  public static boolean isValid(String text) {
    return tryParse(text).isPresent();
  }

  /** True when the version has no pre-release label. */
  public boolean isStable() {
    return preRelease.isEmpty();
  }

  /**
   * Orders version strings: valid SemVer by precedence, anything else after them by text. Used to
   * pick the newest among versions that may not all be SemVer.
   */
  public static int compareText(String a, String b) {
    Optional<SemVer> va = tryParse(a);
    Optional<SemVer> vb = tryParse(b);
    if (va.isPresent() && vb.isPresent()) {
      return va.get().compareTo(vb.get());
    }
    if (va.isPresent() != vb.isPresent()) {
      return va.isPresent() ? 1 : -1;
    }
    return a.compareTo(b);
  }

  @Override
  public int compareTo(SemVer other) {
    return ORDER.compare(this, other);
  }

  private static int comparePreRelease(SemVer a, SemVer b) {
    if (a.preRelease.equals(b.preRelease)) {
      return 0;
    }
    if (a.preRelease.isEmpty()) {
      return 1;
    }
    if (b.preRelease.isEmpty()) {
      return -1;
    }
    List<String> left = List.of(a.preRelease.split("\\."));
    List<String> right = List.of(b.preRelease.split("\\."));
    for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
      int c = compareIdentifier(left.get(i), right.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(left.size(), right.size());
  }

  private static int compareIdentifier(String a, String b) {
    boolean numericA = a.chars().allMatch(Character::isDigit);
    boolean numericB = b.chars().allMatch(Character::isDigit);
    if (numericA && numericB) {
      return a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
    }
    if (numericA != numericB) {
      return numericA ? -1 : 1;
    }
    return a.compareTo(b);
  }

  @Override
  public String toString() {
    return major
        + "."
        + minor
        + "."
        + patch
        + (preRelease.isEmpty() ? "" : "-" + preRelease)
        + (build.isEmpty() ? "" : "+" + build);
  }
}
