package dev.racetrack.spi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sandbox built on bubblewrap ({@code bwrap}). The process gets new PID, IPC and UTS namespaces
 * (it sees no other process), no capabilities, and a fresh root holding only what is mounted:
 * system directories read-only (with the files holding host secrets masked), {@code /proc} of its
 * own PID namespace with {@code /proc/sys} read-only, a minimal {@code /dev}, a private {@code
 * /tmp}, the directories the spec asks for, and nothing else. The process runs as root without
 * capabilities, so isolation comes from what is mounted: the platform's data directory is never
 * bound, and covered with an empty tmpfs wherever a bound directory contains it.
 *
 * <p>The environment is passed through the bwrap process's own environment (set to exactly the
 * spec's), not with {@code --setenv}, so secret values never appear on a command line.
 */
public final class Bubblewrap implements Sandbox {
  static final String PROGRAM = "bwrap";
  private static final List<Path> SYSTEM =
      paths("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32");
  private static final List<Path> MASKED_FILES =
      paths("/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-");
  private static final List<Path> MASKED_DIRS = paths("/etc/ssh", "/etc/ssl/private");
  private static final Path PRIVATE_TMP = Path.of("/tmp");
  private static final String INSTALL = "apt-get install bubblewrap";
  private static final Duration CHILD_WAIT = Duration.ofSeconds(10);

  private final Optional<Path> executable;
  private final List<Path> hidden;

  /**
   * @param executable the bwrap program; empty when it is not installed (every command is then
   *     refused with the command that installs it)
   * @param hidden directories confined processes must never see
   */
  public Bubblewrap(Optional<Path> executable, List<Path> hidden) {
    this.executable = executable;
    this.hidden = hidden.stream().map(Bubblewrap::real).toList();
  }

  @Override
  public ProcessBuilder processBuilder(Spec spec) {
    ProcessBuilder builder = new ProcessBuilder(command(spec)).directory(spec.workDir().toFile());
    Map<String, String> env = builder.environment();
    env.clear();
    env.putAll(spec.env());
    env.put("HOME", PRIVATE_TMP.toString());
    env.put("TMPDIR", PRIVATE_TMP.toString());
    return builder;
  }

  /**
   * The init process of the sandbox's PID namespace (bwrap's first child): killing it kills every
   * process inside, and it exits when the command does. bwrap's own outer process would not do: a
   * sandbox whose outer process is killed keeps running.
   */
  @Override
  public ProcessHandle handleOf(Process started) {
    ProcessHandle outer = started.toHandle();
    long deadline = System.nanoTime() + CHILD_WAIT.toNanos();
    while (outer.isAlive() && System.nanoTime() < deadline) {
      Optional<ProcessHandle> init = outer.children().findFirst();
      if (init.isPresent()) {
        return init.get();
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return outer; // bwrap failed before starting anything (its error is in the output)
  }

  /** The bwrap command line confining {@code spec}. */
  List<String> command(Spec spec) {
    Path bwrap =
        executable.orElseThrow(
            () ->
                new SandboxException(
                    "jobs and builds run in a sandbox (bubblewrap), but '"
                        + PROGRAM
                        + "' is not installed on this machine; install it with: "
                        + INSTALL
                        + " (or, on a trusted single-user machine only, set "
                        + VARIABLE
                        + "=none)"));
    List<String> command =
        new ArrayList<>(
            List.of(
                bwrap.toString(),
                "--cap-drop",
                "ALL",
                "--unshare-pid",
                "--unshare-ipc",
                "--unshare-uts",
                "--unshare-cgroup-try",
                "--new-session"));
    if (spec.dieWithParent()) {
      command.add("--die-with-parent");
    }
    mounts(spec).forEach(m -> command.addAll(m.args()));
    command.add("--chdir");
    command.add(spec.workDir().toString());
    command.add("--");
    command.addAll(spec.command());
    return command;
  }

  /** Every mount, parents before children (bwrap applies them in order). */
  private List<Mount> mounts(Spec spec) {
    List<Mount> mounts = new ArrayList<>();
    for (Path dir : SYSTEM) {
      if (Files.isSymbolicLink(dir)) {
        mounts.add(new Mount("--symlink", Optional.of(link(dir)), dir));
      } else if (Files.isDirectory(dir)) {
        mounts.add(Mount.bind("--ro-bind", dir, dir));
      }
    }
    Path resolvConf = Path.of("/etc/resolv.conf");
    if (Files.isSymbolicLink(resolvConf) && Files.exists(resolvConf)) {
      Path target = real(resolvConf);
      mounts.add(Mount.bind("--ro-bind", target, target));
    }
    MASKED_FILES.stream()
        .filter(Files::exists)
        .forEach(f -> mounts.add(Mount.bind("--ro-bind", Path.of("/dev/null"), f)));
    MASKED_DIRS.stream()
        .filter(Files::isDirectory)
        .forEach(d -> mounts.add(Mount.of("--tmpfs", d)));
    mounts.add(Mount.of("--proc", Path.of("/proc")));
    mounts.add(Mount.bind("--ro-bind", Path.of("/proc/sys"), Path.of("/proc/sys")));
    mounts.add(Mount.of("--dev", Path.of("/dev")));
    mounts.add(Mount.of("--tmpfs", PRIVATE_TMP));
    for (Path dir : spec.readOnly()) {
      mounts.add(Mount.bind("--ro-bind", dir, dir));
    }
    for (Path dir : spec.writable()) {
      Path source = real(dir);
      hidden.stream()
          .filter(h -> h.startsWith(source))
          .findFirst()
          .ifPresent(
              h -> {
                throw new SandboxException(
                    "refusing to make " + dir + " writable: it contains the platform's data");
              });
      mounts.add(Mount.bind("--bind", dir, dir));
    }
    mounts.addAll(covers(mounts));
    // Stable: equal depths keep their order (a cover follows the bind it covers).
    return mounts.stream().sorted(Comparator.comparingInt(m -> m.dest().getNameCount())).toList();
  }

  /** Empty tmpfs over every hidden directory a bind would show. */
  private List<Mount> covers(List<Mount> mounts) {
    List<Mount> covers = new ArrayList<>();
    for (Mount mount : mounts) {
      if (mount.option().equals("--symlink") || mount.source().isEmpty()) {
        continue;
      }
      Path source = real(mount.source().get());
      for (Path dir : hidden) {
        if (dir.startsWith(source)) {
          covers.add(Mount.of("--tmpfs", mount.dest().resolve(source.relativize(dir))));
        }
      }
    }
    return covers;
  }

  @Override
  public String describe() {
    return executable
        .map(p -> "bubblewrap (" + p + ")")
        .orElse(
            "bubblewrap, NOT INSTALLED: deployments are refused until you run '" + INSTALL + "'");
  }

  @Override
  public boolean confines() {
    return true;
  }

  /** Whether the bwrap program was found. */
  public boolean installed() {
    return executable.isPresent();
  }

  private static Path real(Path path) {
    try {
      return path.toRealPath();
    } catch (IOException e) {
      return path.toAbsolutePath().normalize();
    }
  }

  private static Path link(Path path) {
    try {
      return Files.readSymbolicLink(path);
    } catch (IOException e) {
      throw new SandboxException("cannot read the link " + path + ": " + e.getMessage());
    }
  }

  private static List<Path> paths(String... paths) {
    return Arrays.stream(paths).map(Path::of).toList();
  }

  /** One bwrap mount option: {@code option [source] dest}. */
  private record Mount(String option, Optional<Path> source, Path dest) {
    static Mount of(String option, Path dest) {
      return new Mount(option, Optional.empty(), dest);
    }

    static Mount bind(String option, Path source, Path dest) {
      return new Mount(option, Optional.of(source), dest);
    }

    List<String> args() {
      List<String> args = new ArrayList<>();
      args.add(option);
      source.ifPresent(s -> args.add(s.toString()));
      args.add(dest.toString());
      return args;
    }
  }
}
