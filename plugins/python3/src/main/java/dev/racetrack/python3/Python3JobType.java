package dev.racetrack.python3;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.model.manifest.Manifest;
import dev.racetrack.spi.BuildCache;
import dev.racetrack.spi.BuildException;
import dev.racetrack.spi.BuildTools;
import dev.racetrack.spi.ImagePlan;
import dev.racetrack.spi.JobBuild;
import dev.racetrack.spi.JobType;
import dev.racetrack.spi.LaunchSpec;
import dev.racetrack.spi.Sandbox;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code python3} job type: a class with a {@code perform} method served by the stdlib-only
 * wrapper. A job without requirements builds without network; requirements go into a virtualenv of
 * the job's own.
 */
public final class Python3JobType implements JobType {
  public static final String VERSION = "1.0.0";

  /** The platform's limit of a family's pip cache, in megabytes. */
  static final String CACHE_MAX_VARIABLE = "PIP_CACHE_MAX_MB";

  static final long CACHE_MAX_DEFAULT_MB = 512;
  private static final Pattern PYTHON_VERSION = Pattern.compile("3\\.\\d{1,2}(\\.\\d{1,3})?");
  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Set<String> EXTRA_KEYS =
      Set.of(
          "entrypoint_path",
          "entrypoint_class",
          "requirements_path",
          "python_version",
          "debian_version",
          "debian_backports",
          "check_requirements",
          "home_page",
          "max_concurrency",
          "max_concurrency_queue",
          "memray_profiler");
  private static final Set<String> SKIPPED =
      Set.of(".git", "__pycache__", ".venv", "venv", ".mypy_cache", ".pytest_cache");

  @Override
  public String name() {
    return "python3";
  }

  @Override
  public String version() {
    return VERSION;
  }

  @Override
  public void validate(Manifest manifest) {
    List<String> problems = new ArrayList<>();
    for (String key : manifest.jobtypeExtra().keySet()) {
      if (!EXTRA_KEYS.contains(key)) {
        problems.add(
            "jobtype_extra."
                + key
                + ": unknown key for job type python3 (allowed: "
                + EXTRA_KEYS.stream().sorted().toList()
                + ")");
      }
    }
    Optional<String> entrypoint = manifest.jobtypeExtraString("entrypoint_path");
    if (entrypoint.isEmpty() || entrypoint.get().isBlank()) {
      problems.add("jobtype_extra.entrypoint_path: is required for python3 jobs (e.g. adder.py)");
    } else if (!entrypoint.get().endsWith(".py")) {
      problems.add("jobtype_extra.entrypoint_path: '" + entrypoint.get() + "' must be a .py file");
    }
    manifest
        .jobtypeExtraString("entrypoint_class")
        .filter(c -> !IDENTIFIER.matcher(c).matches())
        .ifPresent(
            c ->
                problems.add(
                    "jobtype_extra.entrypoint_class: '" + c + "' is not a Python class name"));
    for (String key : List.of("max_concurrency", "max_concurrency_queue")) {
      Object value = manifest.jobtypeExtra().get(key);
      if (value != null && !(value instanceof Integer i && i > 0)) {
        problems.add("jobtype_extra." + key + ": must be a positive whole number");
      }
    }
    problems.addAll(unsupported(manifest));
    if (!problems.isEmpty()) {
      throw new ValidationException("invalid manifest: " + String.join("; ", problems));
    }
  }

  /** Options this job type accepts for compatibility but cannot honour: refused, not ignored. */
  private static List<String> unsupported(Manifest manifest) {
    List<String> problems = new ArrayList<>();
    Object memray = manifest.jobtypeExtra().get("memray_profiler");
    if (memray != null && !Boolean.FALSE.equals(memray)) {
      problems.add(
          "jobtype_extra.memray_profiler: the memray profiler is not supported by this platform's"
              + " python3 job type; remove the option (or set it to false)");
    }
    Object check = manifest.jobtypeExtra().get("check_requirements");
    if (check != null && !(check instanceof Boolean)) {
      problems.add("jobtype_extra.check_requirements: '" + check + "' must be true or false");
    }
    // the original picks its python image's Debian flavour with these; here python jobs run on the
    // machine's Python or on the platform's base image (PYTHON3_BASE_IMAGE), chosen by the admin
    for (String debian : List.of("debian_version", "debian_backports")) {
      if (manifest.jobtypeExtra().containsKey(debian)) {
        problems.add(
            "jobtype_extra."
                + debian
                + ": not supported by this platform's python3 job type (jobs run on the machine's"
                + " Python or on the platform's base image, which the admin chooses); remove the"
                + " option");
      }
    }
    manifest
        .jobtypeExtraString("home_page")
        .filter(h -> !h.startsWith("/") || h.startsWith("//") || h.contains("\\"))
        .ifPresent(
            h ->
                problems.add(
                    "jobtype_extra.home_page: '"
                        + h
                        + "' must be a path of the job starting with '/', e.g. /docs"));
    if (manifest.jobtypeExtra().get("python_version") instanceof Number n
        && n.toString().equals("3.1")) {
      problems.add(
          "jobtype_extra.python_version: write it quoted, e.g. \"3.10\" (unquoted, 3.10 is the"
              + " number 3.1)");
    }
    manifest
        .jobtypeExtraString("python_version")
        .filter(v -> !PYTHON_VERSION.matcher(v).matches())
        .ifPresent(
            v ->
                problems.add(
                    "jobtype_extra.python_version: '" + v + "' is not a Python version like 3.11"));
    return problems;
  }

  /**
   * Fails the build when the manifest asks for a Python ({@code jobtype_extra.python_version}, e.g.
   * {@code 3.9} or {@code 3.9.18}) that is not the interpreter this machine runs jobs with.
   */
  static void requirePythonVersion(Optional<String> wanted, String actual) {
    if (wanted.isEmpty()) {
      return;
    }
    String want = wanted.get().strip();
    boolean matches = actual.equals(want) || actual.startsWith(want + ".");
    if (!matches) {
      throw new BuildException(
          "jobtype_extra.python_version "
              + want
              + " was asked for, but this machine runs python3 jobs with Python "
              + actual
              + "; remove the option, ask for "
              + actual.substring(0, actual.lastIndexOf('.'))
              + ", or have the platform's PYTHON3_BIN point at a Python "
              + want);
    }
  }

  @Override
  public LaunchSpec buildLocal(JobBuild build) {
    Manifest manifest = build.manifest();
    String entrypoint = manifest.jobtypeExtraString("entrypoint_path").orElseThrow();
    if (!Files.isRegularFile(
        BuildTools.inside(build.sourceDir(), entrypoint, "jobtype_extra.entrypoint_path"))) {
      throw new BuildException(
          "entrypoint_path '" + entrypoint + "' does not exist in the job directory");
    }
    Path artifact = build.artifactDir();
    build.progress().log("copying job source and the python3 wrapper " + VERSION);
    BuildTools.copyTree(
        build.sourceDir(),
        artifact.resolve("job"),
        p -> SKIPPED.contains(p.getFileName().toString()));
    BuildTools.copyResourceDir(Python3JobType.class, "wrapper", artifact.resolve("wrapper"));
    Interpreter interpreter = interpreter(build);
    requirePythonVersion(manifest.jobtypeExtraString("python_version"), interpreter.version());
    String python = interpreter.executable();
    Optional<String> requirements = manifest.jobtypeExtraString("requirements_path");
    if (requirements.isPresent()) {
      python = installRequirements(build, interpreter, requirements.get());
    }
    List<String> command = wrapperCommand(python, entrypoint, manifest);
    Map<String, String> env = wrapperEnv(LaunchSpec.ARTIFACT + "/wrapper", manifest);
    return new LaunchSpec(command, "job", env, List.of(interpreter.prefix()));
  }

  /** The wrapper's command line for the job's entrypoint (and class), run by {@code python}. */
  static List<String> wrapperCommand(String python, String entrypoint, Manifest manifest) {
    List<String> command =
        new ArrayList<>(List.of(python, "-u", "-m", "racetrack_job_wrapper", "run", entrypoint));
    manifest.jobtypeExtraString("entrypoint_class").ifPresent(command::add);
    return command;
  }

  /**
   * The wrapper's environment: its {@code PYTHONPATH}, unbuffered output, and the manifest's
   * concurrency limits and {@code call_timeout} (the wrapper stops waiting for a job call then,
   * answering 504, as PUB does).
   */
  static Map<String, String> wrapperEnv(String pythonPath, Manifest manifest) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("PYTHONPATH", pythonPath);
    env.put("PYTHONUNBUFFERED", "1");
    env.put("PYTHONDONTWRITEBYTECODE", "1");
    manifest
        .jobtypeExtraString("max_concurrency")
        .ifPresent(v -> env.put("JOB_MAX_CONCURRENCY", v));
    manifest
        .jobtypeExtraString("max_concurrency_queue")
        .ifPresent(v -> env.put("JOB_MAX_CONCURRENCY_QUEUE", v));
    manifest
        .callTimeoutDuration()
        .ifPresent(t -> env.put("JOB_CALL_TIMEOUT", Long.toString(t.toSeconds())));
    return env;
  }

  @Override
  public ImagePlan buildImage(JobBuild build) {
    return Python3Image.plan(build, SKIPPED);
  }

  /**
   * A python interpreter: its real executable and the real install prefix ({@code sys.base_prefix})
   * a sandbox must mount for it to run.
   */
  private record Interpreter(String executable, String prefix, String version) {}

  /**
   * The interpreter's real path (skipping shims such as pyenv's, which cost ~50 ms per start) and
   * install prefix. This probe runs the platform's own interpreter on a fixed script in isolated
   * mode ({@code -I}: no job file is importable), so it is the one step that runs unconfined: a
   * pyenv shim needs all of pyenv to find the interpreter the sandbox then mounts.
   */
  private static Interpreter interpreter(JobBuild build) {
    String python = build.toolEnv().getOrDefault("PYTHON3_BIN", "python3");
    Path resolved = build.artifactDir().resolve(".python-path");
    BuildTools.run(
        Sandbox.none(),
        new Sandbox.Spec(
            List.of(
                python,
                "-I",
                "-c",
                "import os, sys, pathlib; pathlib.Path(sys.argv[1]).write_text("
                    + "sys.executable + '\\n' + os.path.realpath(sys.base_prefix) + '\\n'"
                    + " + '.'.join(map(str, sys.version_info[:3])))",
                resolved.toString()),
            build.artifactDir(),
            build.toolEnv(),
            List.of(),
            List.of(),
            true),
        build.progress(),
        "finding the python3 interpreter");
    try {
      List<String> lines = Files.readAllLines(resolved);
      Files.delete(resolved);
      if (lines.size() != 3 || lines.get(0).isBlank() || lines.get(1).isBlank()) {
        throw new BuildException("cannot find the python3 interpreter's path: got " + lines);
      }
      return new Interpreter(lines.get(0).strip(), lines.get(1).strip(), lines.get(2).strip());
    } catch (IOException e) {
      throw new BuildException("cannot read the python3 interpreter path: " + e.getMessage(), e);
    }
  }

  private static String installRequirements(
      JobBuild build, Interpreter interpreter, String requirements) {
    Path file =
        BuildTools.inside(build.sourceDir(), requirements, "jobtype_extra.requirements_path");
    if (!Files.isRegularFile(file)) {
      throw new BuildException(
          "requirements_path '" + requirements + "' does not exist in the job directory");
    }
    Path venv = build.artifactDir().resolve("venv");
    Map<String, String> env = pipEnv(build);
    List<Path> readOnly = new ArrayList<>();
    readOnly.add(Path.of(interpreter.prefix()));
    readOnly.addAll(localIndexes(build.toolEnv())); // the platform's settings, never build_env
    List<Path> writable = List.of(build.artifactDir(), build.sourceDir());
    build.progress().log("creating a virtualenv for the job's requirements");
    BuildTools.run(
        build.sandbox(),
        new Sandbox.Spec(
            List.of(interpreter.executable(), "-m", "venv", venv.toString()),
            build.artifactDir(),
            env,
            writable,
            readOnly,
            true),
        build.progress(),
        "creating the virtualenv");
    String venvPython = venv.resolve("bin").resolve("python").toString();
    Optional<BuildCache> cache = pipCache(build);
    List<Path> pipWritable = new ArrayList<>(writable);
    Optional<BuildCache.Use> use = cache.map(BuildCache::use);
    cache.ifPresent(
        c -> {
          pipWritable.add(c.dir());
          env.put("PIP_CACHE_DIR", c.dir().toString());
        });
    try {
      BuildTools.run(
          build.sandbox(),
          new Sandbox.Spec(
              List.of(
                  venvPython,
                  "-m",
                  "pip",
                  "install",
                  "--disable-pip-version-check",
                  "--no-input",
                  "-r",
                  file.toString()),
              build.sourceDir(),
              env,
              pipWritable,
              readOnly,
              true),
          build.progress(),
          "installing requirements from " + requirements);
    } finally {
      use.ifPresent(BuildCache.Use::close);
      cache.ifPresent(c -> c.trim(build.progress()));
    }
    if (checkRequirements(build.manifest())) {
      build.progress().log("checking the installed requirements (pip check)");
      BuildTools.run(
          build.sandbox(),
          new Sandbox.Spec(
              List.of(venvPython, "-m", "pip", "check", "--disable-pip-version-check"),
              build.sourceDir(),
              pipEnv(build),
              writable,
              readOnly,
              true),
          build.progress(),
          "checking the installed requirements (pip check; jobtype_extra.check_requirements:"
              + " false skips it)");
    }
    return LaunchSpec.ARTIFACT + "/venv/bin/python";
  }

  /**
   * Whether the installed requirements are checked for broken or conflicting dependencies ({@code
   * pip check}), as the original does unless {@code jobtype_extra.check_requirements} is false.
   */
  static boolean checkRequirements(Manifest manifest) {
    return !Boolean.FALSE.equals(manifest.jobtypeExtra().get("check_requirements"));
  }

  /**
   * The pip download cache of the job's family (never another family's: a shared cache would let
   * one team's build plant files another team's build installs), bounded by the platform's {@value
   * #CACHE_MAX_VARIABLE} (megabytes, default {@value #CACHE_MAX_DEFAULT_MB}); empty when the build
   * keeps no caches.
   */
  static Optional<BuildCache> pipCache(JobBuild build) {
    String value =
        build.toolEnv().getOrDefault(CACHE_MAX_VARIABLE, Long.toString(CACHE_MAX_DEFAULT_MB));
    long megabytes;
    try {
      megabytes = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      megabytes = -1;
    }
    if (megabytes <= 0 || megabytes > Long.MAX_VALUE >> 20) {
      throw new BuildException(
          CACHE_MAX_VARIABLE
              + " must be a positive whole number of megabytes, got '"
              + value
              + "'");
    }
    return build.familyCache("pip", megabytes << 20);
  }

  /** The build environment pip sees: the platform's tools' settings, then the build variables. */
  static Map<String, String> pipEnv(JobBuild build) {
    Map<String, String> env = new HashMap<>(build.toolEnv());
    env.remove(CACHE_MAX_VARIABLE); // the platform's setting, not pip's
    env.putAll(build.buildEnv());
    return env;
  }

  /**
   * Local package indexes and wheel directories the platform points pip at ({@code file://} URLs or
   * absolute paths in its PIP_* settings), mounted read-only for pip. An index directory named
   * {@code simple} (PEP 503) links to its files by relative paths such as {@code
   * ../../files/x.whl}, so the mirror directory holding it is mounted.
   */
  static List<Path> localIndexes(Map<String, String> toolEnv) {
    List<Path> dirs = new ArrayList<>();
    for (String name : List.of("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS")) {
      for (String location : toolEnv.getOrDefault(name, "").split("\\s+")) {
        Optional<Path> dir =
            location.startsWith("file:")
                ? Optional.of(Path.of(URI.create(location)))
                : Optional.of(location).filter(l -> l.startsWith("/")).map(Path::of);
        dir.filter(Files::exists).map(Python3JobType::mirrorRoot).ifPresent(dirs::add);
      }
    }
    return dirs;
  }

  private static Path mirrorRoot(Path index) {
    Path parent = index.getParent();
    boolean simpleIndex =
        index.getFileName() != null
            && index.getFileName().toString().equals("simple")
            && parent != null
            && parent.getParent() != null;
    return simpleIndex ? parent : index;
  }
}
