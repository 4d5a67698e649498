package dev.racetrack.imagebuilder;

import dev.racetrack.spi.BuildException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The manifest's {@code system_dependencies} (Debian packages) on the local target, where jobs run
 * on this machine: the build fails, naming the missing packages and the apt command that installs
 * them, unless all are installed. The platform does not install packages by itself (it would need
 * root and would change the host for every job); an administrator runs the command once.
 */
final class SystemPackages {
  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9+.-]+(:[a-z0-9-]+)?");

  private final Predicate<String> installed;

  SystemPackages(Predicate<String> installed) {
    this.installed = installed;
  }

  /** Asks dpkg whether each package is installed on this machine. */
  static SystemPackages dpkg() {
    return new SystemPackages(SystemPackages::dpkgInstalled);
  }

  /**
   * Fails naming the entries that are not Debian package names ({@code [a-z0-9][a-z0-9+.-]+},
   * optionally {@code :arch}); nothing else may reach a command line or a Dockerfile.
   */
  static void requireNames(List<String> packages) {
    List<String> invalid = packages.stream().filter(p -> !NAME.matcher(p).matches()).toList();
    if (!invalid.isEmpty()) {
      throw new BuildException(
          "system_dependencies: " + invalid + " are not Debian package names (e.g. libpq5)");
    }
  }

  void requireInstalled(List<String> packages) {
    requireNames(packages);
    List<String> missing = packages.stream().filter(installed.negate()).toList();
    if (!missing.isEmpty()) {
      throw new BuildException(
          "system_dependencies: "
              + String.join(", ", missing)
              + " not installed on this machine, where the local target runs jobs; an"
              + " administrator can install them with: apt-get install -y "
              + String.join(" ", missing));
    }
  }

  private static boolean dpkgInstalled(String name) {
    try {
      Process process =
          new ProcessBuilder("dpkg-query", "-W", "-f=${db:Status-Status}", name)
              .redirectErrorStream(true)
              .start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new BuildException("system_dependencies: dpkg-query did not answer for " + name);
      }
      return process.exitValue() == 0 && output.strip().equals("installed");
    } catch (IOException e) {
      throw new BuildException(
          "system_dependencies: cannot check Debian packages on this machine (dpkg-query: "
              + e.getMessage()
              + "); remove system_dependencies or run the platform on Debian/Ubuntu");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new BuildException("interrupted while checking system_dependencies");
    }
  }
}
