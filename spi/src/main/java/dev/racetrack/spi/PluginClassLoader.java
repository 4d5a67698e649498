package dev.racetrack.spi;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin: its own jars, the JDK, and from the platform only the {@code
 * dev.racetrack.spi} and {@code dev.racetrack.model} packages (the interfaces it implements and the
 * records they use). Anything else of the platform (its libraries, lifecycle internals) is
 * invisible, so a plugin bundles the libraries it needs and cannot clash with the platform's.
 */
final class PluginClassLoader extends URLClassLoader {
  private static final List<String> SHARED = List.of("dev.racetrack.spi.", "dev.racetrack.model.");

  PluginClassLoader(String pluginId, URL[] jars, ClassLoader platform) {
    super("plugin-" + pluginId, jars, new SharedPackages(platform));
  }

  /** Shows the JDK (platform class loader) plus the shared packages of the platform's loader. */
  private static final class SharedPackages extends ClassLoader {
    private final ClassLoader platform;

    SharedPackages(ClassLoader platform) {
      super("racetrack-spi", ClassLoader.getPlatformClassLoader());
      this.platform = platform;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      for (String prefix : SHARED) {
        if (name.startsWith(prefix)) {
          return platform.loadClass(name);
        }
      }
      return super.loadClass(name, resolve);
    }

    @Override
    public URL getResource(String name) {
      return null; // the platform's resources (service files) stay invisible
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
      return Collections.emptyEnumeration();
    }
  }
}
