package dev.racetrack.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code .gitignore} rules of a job directory (the root file and nested ones), so a local build
 * context leaves out what git would: comments, negation, directory-only and anchored patterns,
 * {@code *}, {@code ?}, {@code **} and character classes. {@code .git} (at any depth, as in nested
 * clones) is always left out. When the job directory is inside a git repository, the {@code
 * .gitignore} files of its parent directories up to the repository's root apply too, as in git.
 */
final class Gitignore {
  /**
   * @param outerPrefix for a rule of a parent directory, the path from that directory down to the
   *     job directory; empty for rules inside the job directory
   */
  private record Rule(
      String baseDir, String outerPrefix, Pattern pattern, boolean negate, boolean dirOnly) {}

  private final List<Rule> rules;

  private Gitignore(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  static Gitignore load(Path root) {
    List<Rule> rules = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      rules.addAll(parentRules(root.toAbsolutePath().normalize()));

      List<Path> ignoreFiles =
          files
              .filter(
                  p -> p.getFileName().toString().equals(".gitignore") && Files.isRegularFile(p))
              .filter(p -> !root.relativize(p).toString().startsWith(".git/"))
              .sorted(Comparator.comparingInt(Path::getNameCount))
              .toList();
      for (Path file : ignoreFiles) {
        String base = slashes(root.relativize(file.getParent()).toString());
        for (String line : Files.readAllLines(file)) {
          parse(line, base).ifPresent(rules::add);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot read .gitignore files under " + root + ": " + e.getMessage(), e);
    }
    return new Gitignore(rules);
  }

  /** Rules of the {@code .gitignore} files above the job directory, up to its repository's root. */
  private static List<Rule> parentRules(Path root) throws IOException {
    List<Path> parents = new ArrayList<>();
    Path repository = null;
    for (Path dir = root.getParent(); dir != null; dir = dir.getParent()) {
      parents.add(dir);
      if (Files.exists(dir.resolve(".git"))) {
        repository = dir;
        break;
      }
    }
    if (repository == null || Files.exists(root.resolve(".git"))) {
      return List.of(); // not inside a repository, or the job directory is the repository
    }
    List<Rule> rules = new ArrayList<>();
    for (Path dir : parents.reversed()) {
      Path file = dir.resolve(".gitignore");
      if (Files.isRegularFile(file)) {
        String prefix = slashes(dir.relativize(root).toString());
        for (String line : Files.readAllLines(file)) {
          parse(line, "")
              .map(r -> new Rule(r.baseDir(), prefix, r.pattern(), r.negate(), r.dirOnly()))
              .ifPresent(rules::add);
        }
      }
    }
    return rules;
  }

  static Gitignore of(String baseDir, List<String> lines) {
    List<Rule> rules = new ArrayList<>();
    lines.forEach(line -> parse(line, baseDir).ifPresent(rules::add));
    return new Gitignore(rules);
  }

  /** True when the path (relative to the root) is ignored. */
  boolean ignored(Path relative, boolean isDirectory) {
    String path = slashes(relative.toString());
    if (List.of(path.split("/")).contains(".git")) {
      return true;
    }
    boolean ignored = false;
    for (Rule rule : rules) {
      if (rule.dirOnly() && !isDirectory) {
        continue;
      }
      String local;
      if (!rule.outerPrefix().isEmpty()) {
        local = rule.outerPrefix() + "/" + path;
      } else if (rule.baseDir().isEmpty()) {
        local = path;

      } else if (path.startsWith(rule.baseDir() + "/")) {
        local = path.substring(rule.baseDir().length() + 1);
      } else {
        continue;
      }
      if (rule.pattern().matcher(local).matches()) {
        ignored = !rule.negate();
      }
    }
    return ignored;
  }

  private static Optional<Rule> parse(String raw, String baseDir) {
    String line = raw.replaceAll("(?<!\\\\)\\s+$", "");
    if (line.isEmpty() || line.startsWith("#")) {
      return Optional.empty();
    }
    boolean negate = line.startsWith("!");
    if (negate) {
      line = line.substring(1);
    }
    if (line.startsWith("\\#") || line.startsWith("\\!")) {
      line = line.substring(1);
    }
    boolean dirOnly = line.endsWith("/");
    if (dirOnly) {
      line = line.substring(0, line.length() - 1);
    }
    boolean anchored = line.contains("/");
    if (line.startsWith("/")) {
      line = line.substring(1);
    }
    String regex = (anchored ? "" : "(?:.*/)?") + translate(line);
    return Optional.of(new Rule(baseDir, "", Pattern.compile(regex), negate, dirOnly));
  }

  private static String translate(String glob) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      if (c == '*') {
        boolean doubleStar = i + 1 < glob.length() && glob.charAt(i + 1) == '*';
        if (doubleStar) {
          boolean followedBySlash = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
          regex.append(followedBySlash ? "(?:.*/)?" : ".*");
          i += followedBySlash ? 2 : 1;
        } else {
          regex.append("[^/]*");
        }
      } else if (c == '?') {
        regex.append("[^/]");
      } else if (c == '[') {
        int end = glob.indexOf(']', i + 1);
        if (end < 0) {
          regex.append("\\[");
        } else {
          String set = glob.substring(i + 1, end);
          regex.append('[').append(set.startsWith("!") ? "^" + set.substring(1) : set).append(']');
          i = end;
        }
      } else if (c == '\\' && i + 1 < glob.length()) {
        regex.append(Pattern.quote(String.valueOf(glob.charAt(++i))));
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }

  private static String slashes(String path) {
    return path.replace('\\', '/');
  }
}
