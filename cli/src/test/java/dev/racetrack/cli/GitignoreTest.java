package dev.racetrack.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GitignoreTest {
  @TempDir Path dir;

  private static Gitignore rules(String... lines) {
    return Gitignore.of("", List.of(lines));
  }

  private static boolean file(Gitignore gitignore, String path) {
    return gitignore.ignored(Path.of(path), false);
  }

  private static boolean directory(Gitignore gitignore, String path) {
    return gitignore.ignored(Path.of(path), true);
  }

  @Test
  void ignored_withCommentsAndBlankLines_ignoresNothing() {
    Gitignore g = rules("# a comment", "", "   ", "#*.py");

    assertThat(file(g, "main.py")).isFalse();
    assertThat(file(g, "# a comment")).isFalse();
    assertThat(file(g, "#*.py")).isFalse();
  }

  @Test
  void ignored_withEscapedHash_matchesLiteralHashName() {
    Gitignore g = rules("\\#notes");

    assertThat(file(g, "#notes")).isTrue();
    assertThat(file(g, "notes")).isFalse();
  }

  @Test
  void ignored_withTrailingSpaces_ignoresThem() {
    Gitignore g = rules("debug.txt   ");

    assertThat(file(g, "debug.txt")).isTrue();
  }

  @Test
  void ignored_withStarExtension_matchesAtAnyDepthOnly() {
    Gitignore g = rules("*.log");

    assertThat(file(g, "debug.log")).isTrue();
    assertThat(file(g, "a/b/debug.log")).isTrue();
    assertThat(directory(g, "old.log")).isTrue();
    assertThat(file(g, "log.txt")).isFalse();
    assertThat(file(g, "debug.log.txt")).isFalse();
  }

  @Test
  void ignored_withStar_doesNotCrossSlashes() {
    Gitignore g = rules("docs/*.md");

    assertThat(file(g, "docs/a.md")).isTrue();
    assertThat(file(g, "docs/sub/a.md")).isFalse();
    assertThat(file(g, "other/docs/a.md")).isFalse();
  }

  @Test
  void ignored_withTrailingSlash_matchesDirectoriesOnly() {
    Gitignore g = rules("build/");

    assertThat(directory(g, "build")).isTrue();
    assertThat(directory(g, "src/build")).isTrue();
    assertThat(file(g, "build")).isFalse();
    assertThat(file(g, "src/build")).isFalse();
  }

  @Test
  void ignored_withLeadingSlash_matchesOnlyAtRoot() {
    Gitignore g = rules("/root-only");

    assertThat(file(g, "root-only")).isTrue();
    assertThat(directory(g, "root-only")).isTrue();
    assertThat(file(g, "sub/root-only")).isFalse();
  }

  @Test
  void ignored_withDoubleStarInMiddle_matchesZeroOrMoreDirectories() {
    Gitignore g = rules("a/**/b");

    assertThat(file(g, "a/b")).isTrue();
    assertThat(file(g, "a/x/b")).isTrue();
    assertThat(file(g, "a/x/y/b")).isTrue();
    assertThat(file(g, "c/a/b")).isFalse();
    assertThat(file(g, "a/bb")).isFalse();
    assertThat(file(g, "ab")).isFalse();
  }

  @Test
  void ignored_withLeadingDoubleStar_matchesAtAnyDepth() {
    Gitignore g = rules("**/x");

    assertThat(file(g, "x")).isTrue();
    assertThat(file(g, "p/x")).isTrue();
    assertThat(directory(g, "p/q/x")).isTrue();
    assertThat(file(g, "p/xy")).isFalse();
  }

  @Test
  void ignored_withTrailingDoubleStar_matchesEverythingInsideButNotTheDirectory() {
    Gitignore g = rules("logs/**");

    assertThat(file(g, "logs/a.txt")).isTrue();
    assertThat(file(g, "logs/deep/a.txt")).isTrue();
    assertThat(directory(g, "logs")).isFalse();
  }

  @Test
  void ignored_withNegation_reincludesLaterMatch() {
    Gitignore g = rules("*.log", "!keep.log");

    assertThat(file(g, "debug.log")).isTrue();
    assertThat(file(g, "keep.log")).isFalse();
    assertThat(file(g, "sub/keep.log")).isFalse();
  }

  @Test
  void ignored_withNegationBeforePattern_lastMatchWins() {
    Gitignore g = rules("!keep.log", "*.log");

    assertThat(file(g, "keep.log")).isTrue();
  }

  @Test
  void ignored_withEscapedExclamation_matchesLiteralName() {
    Gitignore g = rules("\\!important");

    assertThat(file(g, "!important")).isTrue();
    assertThat(file(g, "important")).isFalse();
  }

  @Test
  void ignored_withCharacterClasses_matchesSetsRangesAndNegatedSets() {
    Gitignore g = rules("[abc].txt", "file[0-9].dat", "[!a]*.tmp");

    assertThat(file(g, "a.txt")).isTrue();
    assertThat(file(g, "c.txt")).isTrue();
    assertThat(file(g, "d.txt")).isFalse();
    assertThat(file(g, "file7.dat")).isTrue();
    assertThat(file(g, "filex.dat")).isFalse();
    assertThat(file(g, "b1.tmp")).isTrue();
    assertThat(file(g, "a1.tmp")).isFalse();
  }

  @Test
  void ignored_withQuestionMark_matchesOneCharacterButNotSlash() {
    Gitignore g = rules("?.c", "x?y");

    assertThat(file(g, "a.c")).isTrue();
    assertThat(file(g, "ab.c")).isFalse();
    assertThat(file(g, "x/y")).isFalse();
  }

  @Test
  void ignored_withRegexMetacharacters_treatsThemLiterally() {
    Gitignore g = rules("a+b.(c)", "$HOME");

    assertThat(file(g, "a+b.(c)")).isTrue();
    assertThat(file(g, "aab.(c)")).isFalse();
    assertThat(file(g, "ab.c")).isFalse();
    assertThat(file(g, "$HOME")).isTrue();
  }

  @Test
  void ignored_gitDirectory_isAlwaysIgnoredAtAnyDepth() {
    Gitignore g = rules("!.git");

    assertThat(directory(g, ".git")).isTrue();
    assertThat(file(g, ".git/config")).isTrue();
    assertThat(directory(g, "vendor/lib/.git")).isTrue();
    assertThat(file(g, "vendor/lib/.git/HEAD")).isTrue();
    assertThat(file(g, ".gitignore")).isFalse();
    assertThat(directory(g, ".github")).isFalse();
    assertThat(file(rules(), ".gitkeep")).isFalse();
  }

  @Test
  void ignored_withNoRules_ignoresNothingButGit() {
    Gitignore g = rules();

    assertThat(file(g, "anything.log")).isFalse();
    assertThat(directory(g, "build")).isFalse();
  }

  @Test
  void load_nestedGitignore_appliesOnlyInsideItsDirectory() throws IOException {
    write(".gitignore", "*.tmp\n");
    write("sub/.gitignore", "/local.txt\n!important.tmp\nbuild/\n");
    write("sub/deeper/.gitignore", "*.md\n");

    Gitignore g = Gitignore.load(dir);

    assertThat(file(g, "sub/local.txt")).isTrue();
    assertThat(file(g, "local.txt")).isFalse();
    assertThat(file(g, "sub/deeper/local.txt")).isFalse();
    assertThat(file(g, "other/local.txt")).isFalse();
    assertThat(file(g, "x.tmp")).isTrue();
    assertThat(file(g, "sub/x.tmp")).isTrue();
    assertThat(file(g, "sub/important.tmp")).isFalse();
    assertThat(file(g, "sub/deeper/important.tmp")).isFalse();
    assertThat(file(g, "important.tmp")).isTrue();
    assertThat(directory(g, "sub/build")).isTrue();
    assertThat(directory(g, "build")).isFalse();
    assertThat(file(g, "sub/deeper/README.md")).isTrue();
    assertThat(file(g, "sub/README.md")).isFalse();
  }

  @Test
  void load_deeperGitignore_overridesShallowerOne() throws IOException {
    write("sub/.gitignore", "!*.log\n");
    write(".gitignore", "*.log\n");

    Gitignore g = Gitignore.load(dir);

    assertThat(file(g, "a.log")).isTrue();
    assertThat(file(g, "sub/a.log")).isFalse();
  }

  @Test
  void load_ignoresGitignoreFilesInsideGitDirectory() throws IOException {
    write(".git/.gitignore", "*.py\n");

    Gitignore g = Gitignore.load(dir);

    assertThat(file(g, "main.py")).isFalse();
  }

  @Test
  void load_insideRepository_appliesParentGitignoreFilesUpToTheRoot() throws IOException {
    Files.createDirectories(dir.resolve("repo/.git"));
    write("repo/.gitignore", "target/\n*.tmp\n/top.txt\njobs/a/pinned.txt\n");
    write("repo/jobs/.gitignore", "cache/\n");
    Path job = Files.createDirectories(dir.resolve("repo/jobs/a"));

    Gitignore g = Gitignore.load(job);

    assertThat(directory(g, "target")).isTrue();
    assertThat(file(g, "src/x.tmp")).isTrue();
    assertThat(directory(g, "cache")).isTrue();
    assertThat(file(g, "pinned.txt")).isTrue();
    assertThat(file(g, "top.txt")).as("anchored at the repository root, not here").isFalse();
    assertThat(file(g, "main.py")).isFalse();
  }

  @Test
  void load_outsideAnyRepository_ignoresParentGitignoreFiles() throws IOException {
    write(".gitignore", "*.py\n");
    Path job = Files.createDirectories(dir.resolve("job"));

    Gitignore g = Gitignore.load(job);

    assertThat(file(g, "main.py")).isFalse();
  }

  @Test
  void load_withoutGitignore_ignoresOnlyGit() {

    Gitignore g = Gitignore.load(dir);

    assertThat(file(g, "main.py")).isFalse();
    assertThat(directory(g, ".git")).isTrue();
  }

  private void write(String relative, String content) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }
}
