package dev.racetrack.model.version;

import dev.racetrack.model.error.ValidationException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Resolves a manifest's {@code jobtype} ({@code name:version}, {@code name:latest}, {@code
 * name:1.2.*}, {@code name:1.x}) against the installed job types (§12.4).
 */
public final class JobTypeVersions {

  private JobTypeVersions() {}

  /**
   * Returns the installed {@code name:version} key that {@code requested} selects.
   *
   * @param installed keys {@code name:version} of installed job types
   */
  public static String resolve(String requested, Collection<String> installed) {
    int colon = requested.indexOf(':');
    if (colon <= 0 || colon == requested.length() - 1) {
      throw new ValidationException(
          "job type should be specified as name:version (e.g. python3:latest), got '"
              + requested
              + "'");
    }
    String name = requested.substring(0, colon);
    String version = requested.substring(colon + 1);
    List<String> versions =
        installed.stream()
            .filter(key -> key.startsWith(name + ":"))
            .map(key -> key.substring(name.length() + 1))
            .sorted(Comparator.comparing((String v) -> v, SemVer::compareText))
            .toList();
    if (versions.isEmpty()) {
      List<String> languages =
          installed.stream().map(k -> k.substring(0, k.indexOf(':'))).distinct().sorted().toList();
      throw new ValidationException(
          "language " + name + " is not supported, supported are: " + languages);
    }
    if (VersionAlias.LATEST.equals(version)) {
      return name + ":" + versions.getLast();
    }
    if (version.contains("*") || hasXSegment(version)) {
      Pattern pattern = wildcardPattern(xToStar(version));
      return versions.reversed().stream()
          .filter(v -> pattern.matcher(v).matches())
          .findFirst()
          .map(v -> name + ":" + v)
          .orElseThrow(() -> noMatch(requested, versions));
    }
    if (versions.contains(version)) {
      return requested;
    }
    throw noMatch(requested, versions);
  }

  /** {@code 1.x} and {@code 1.2.x}: a segment {@code x} (or {@code X}) stands for {@code *}. */
  private static boolean hasXSegment(String version) {
    return version.matches("(.*\\.)?[xX](\\..*)?");
  }

  private static String xToStar(String version) {
    String[] parts = version.split("\\.", -1);
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].equals("x") || parts[i].equals("X")) {
        parts[i] = "*";
      }
    }
    return String.join(".", parts);
  }

  private static Pattern wildcardPattern(String version) {
    StringBuilder regex = new StringBuilder();
    for (String part : version.split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".+");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.compile(regex.toString());
  }

  private static ValidationException noMatch(String requested, List<String> versions) {
    return new ValidationException(
        "there is no version matching job type " + requested + "; installed versions: " + versions);
  }
}
