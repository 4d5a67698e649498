package dev.racetrack.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.eclipse.jgit.ignore.FastIgnoreRule;

/**
 * The {@code .gitignore} rules of a job directory (the root file and nested ones), so a local build
 * context leaves out what git would; each line is parsed and matched by JGit's {@link
 * FastIgnoreRule} (comments, negation, directory-only and anchored patterns, {@code *}, {@code ?},
 * {@code **} and character classes). {@code .git} (at any depth, as in nested clones) is always
 * left out. When the job directory is inside a git repository, the {@code .gitignore} files of its
 * parent directories up to the repository's root apply too, as in git.
 */
final class Gitignore {
  /**
   * @param outerPrefix for a rule of a parent directory, the path from that directory down to the
   *     job directory; empty for rules inside the job directory
   */
  private record Rule(String baseDir, String outerPrefix, FastIgnoreRule rule) {}

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
          parse(line, "").map(r -> new Rule(r.baseDir(), prefix, r.rule())).ifPresent(rules::add);
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
      if (rule.rule().isMatch(local, isDirectory, true)) {
        ignored = rule.rule().getResult();
      }
    }
    return ignored;
  }

  private static Optional<Rule> parse(String raw, String baseDir) {
    FastIgnoreRule rule = new FastIgnoreRule(raw);
    return rule.isEmpty() ? Optional.empty() : Optional.of(new Rule(baseDir, "", rule));
  }

  private static String slashes(String path) {
    return path.replace('\\', '/');
  }
}
