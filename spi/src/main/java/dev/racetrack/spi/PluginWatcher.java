package dev.racetrack.spi;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the plugin bundles when {@code last-change.txt} of the plugins directory changes. A short
 * poll of one small file works the same for components in one JVM, in separate processes and on a
 * shared volume (where file change notifications do not cross machines).
 */
final class PluginWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PluginWatcher.class);

  private final PluginStore store;
  private volatile Set<String> components;
  private final BuiltIns builtIns;
  private final BiConsumer<List<LoadedPlugin>, Boolean> onLoad;
  private final Duration interval;
  private volatile boolean running = true;
  private String seen;
  private Thread thread;

  PluginWatcher(
      PluginStore store,
      Set<String> components,
      BuiltIns builtIns,
      BiConsumer<List<LoadedPlugin>, Boolean> onLoad,
      Duration interval) {
    this.store = Objects.requireNonNull(store, "store");
    this.components = Set.copyOf(components);
    this.builtIns = Objects.requireNonNull(builtIns, "builtIns");
    this.onLoad = Objects.requireNonNull(onLoad, "onLoad");
    this.interval = Objects.requireNonNull(interval, "interval");
  }

  /** Loads the plugins of more components too (reloading now). */
  synchronized void addComponents(Set<String> more) {
    java.util.Set<String> all = new java.util.HashSet<>(components);
    if (all.addAll(more)) {
      components = Set.copyOf(all);
      seen = null;
      reloadIfChanged();
    }
  }

  /** Loads the bundles once now, then watches on a daemon thread. */
  void start() {
    reloadIfChanged();
    thread = Thread.ofPlatform().daemon().name("plugin-watcher").start(this::loop);
  }

  private void loop() {
    while (running) {
      try {
        Thread.sleep(interval);
        reloadIfChanged();
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("reloading plugins from {} failed: {}", store.dir(), e.toString());
      }
    }
  }

  /** Reloads when the change marker differs from the one last loaded. */
  synchronized void reloadIfChanged() {
    String now = store.lastChange();
    if (now.equals(seen)) {
      return;
    }
    boolean managed = BuiltInBundles.managed(store);
    List<LoadedPlugin> loaded =
        store.load(components, PluginWatcher.class.getClassLoader(), builtIns);
    seen = now;
    onLoad.accept(loaded, managed);
    LOG.info(
        "plugins loaded from {}: {}",
        store.dir(),
        loaded.stream().map(p -> p.manifest().id()).toList());
  }

  @Override
  public void close() {
    running = false;
    if (thread != null) {
      thread.interrupt();
    }
  }
}
