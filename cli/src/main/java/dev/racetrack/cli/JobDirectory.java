package dev.racetrack.cli;

import dev.racetrack.model.manifest.ManifestFiles;
import dev.racetrack.model.manifest.ManifestValidator;
import dev.racetrack.model.manifest.ValidatedManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A job's directory on the client: its manifest (with overlays and extra vars) and secret files.
 */
record JobDirectory(Path dir, Path manifestFile, ValidatedManifest manifest) {

  /** Reads and validates the manifest of {@code dirOrFile}, applying {@code extraVars}. */
  static JobDirectory load(Path dirOrFile, List<String> extraVars) {
    Path file = ManifestFiles.locate(dirOrFile);
    ManifestFiles.RawManifest raw = ManifestFiles.read(file);
    Map<String, Object> content = ManifestFiles.applyExtraVars(raw.content(), extraVars);
    ValidatedManifest validated = new ManifestValidator().validate(content, file.toString());
    List<String> warnings = new ArrayList<>(raw.warnings());
    warnings.addAll(validated.warnings());
    return new JobDirectory(
        file.toAbsolutePath().getParent(),
        file,
        new ValidatedManifest(validated.manifest(), warnings));
  }

  /** Whether a path of the directory (relative) goes into a local build context. */
  boolean includes(Gitignore gitignore, Path relative) {
    boolean isDir = Files.isDirectory(dir.resolve(relative), LinkOption.NOFOLLOW_LINKS);
    return !gitignore.ignored(relative, isDir);
  }

  /** Variables of a secret env file named by the manifest (relative to the job directory). */
  Map<String, String> secretEnv(Optional<String> relativeFile, String field) {
    if (relativeFile.isEmpty()) {
      return Map.of();
    }
    Path file = dir.resolve(relativeFile.get()).normalize();
    if (!Files.isRegularFile(file)) {
      throw new CliException(field + " '" + relativeFile.get() + "' does not exist (" + file + ")");
    }
    try {
      return parseEnvFile(Files.readAllLines(file), file.toString());
    } catch (IOException e) {
      throw new CliException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /**
   * {@code KEY=VALUE} lines; {@code #} comments, {@code export} prefixes and surrounding quotes
   * allowed.
   */
  static Map<String, String> parseEnvFile(List<String> lines, String source) {
    Map<String, String> env = new LinkedHashMap<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring(7).strip();
      }
      int eq = line.indexOf('=');
      if (eq <= 0) {
        throw new CliException(source + ":" + (i + 1) + ": expected KEY=VALUE");
      }
      String value = line.substring(eq + 1).strip();
      if (value.length() >= 2
          && (value.startsWith("\"") && value.endsWith("\"")
              || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      env.put(line.substring(0, eq).strip(), value);
    }
    return env;
  }
}
