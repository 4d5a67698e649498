package dev.racetrack.lifecycle.infra;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.InfrastructurePlugin;
import dev.racetrack.spi.InfrastructureTarget;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The infrastructure targets this platform can deploy to, and the choice among them (§9.4). Built
 * from the installed infrastructure plugins, and rebuilt when they change (a bundle installed or
 * removed at runtime): a new plugin's target is created on first use after the change, a removed
 * plugin's target is closed, the others are kept.
 */
public final class Targets implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Targets.class);

  private static final String LOCAL = "local";

  private final Supplier<Map<String, InfrastructurePlugin>> plugins;
  private final Function<InfrastructurePlugin, InfrastructureTarget> factory;
  private final Optional<String> configuredDefault;

  /** The plugins the targets were made from (compared by identity) and the targets by name. */
  private record Made(
      Map<String, InfrastructurePlugin> plugins, Map<String, InfrastructureTarget> targets) {}

  private Made made = new Made(Map.of(), Map.of());

  /** Fixed targets (tests, or a platform without installable targets). */
  public Targets(Collection<InfrastructureTarget> targets, Optional<String> configuredDefault) {
    Map<String, InfrastructureTarget> byName = new TreeMap<>();
    targets.forEach(t -> byName.put(t.name(), t));
    this.plugins = Map::of;
    this.factory =
        p -> {
          throw new IllegalStateException("no infrastructure plugins: " + p.name());
        };
    this.made = new Made(Map.of(), byName);
    this.configuredDefault = configuredDefault;
    configuredDefault.ifPresent(this::get);
  }

  /**
   * Targets made by {@code factory} from the plugins {@code plugins} returns now and after every
   * change.
   */
  public Targets(
      Supplier<Map<String, InfrastructurePlugin>> plugins,
      Function<InfrastructurePlugin, InfrastructureTarget> factory,
      Optional<String> configuredDefault) {
    this.plugins = plugins;
    this.factory = factory;
    this.configuredDefault = configuredDefault;
    this.made = make(plugins.get());
    configuredDefault.ifPresent(this::get);
  }

  /** The targets now, remade for the plugins that changed since the last call. */
  private synchronized Map<String, InfrastructureTarget> targets() {
    Map<String, InfrastructurePlugin> now = plugins.get();
    if (!sameInstances(made.plugins(), now)) {
      made = make(now);
    }
    return made.targets();
  }

  /**
   * Makes the targets of {@code now}, keeping those whose plugin did not change and closing those
   * whose plugin is gone or was replaced. A target that cannot be created is logged and left out
   * (it is tried again after the next change), so one broken plugin does not stop the others.
   */
  private Made make(Map<String, InfrastructurePlugin> now) {
    Map<String, InfrastructureTarget> targets = new TreeMap<>();
    for (Map.Entry<String, InfrastructurePlugin> plugin : now.entrySet()) {
      if (made.plugins().get(plugin.getKey()) == plugin.getValue()) {
        targets.put(plugin.getKey(), made.targets().get(plugin.getKey()));
        continue;
      }
      try {
        targets.put(plugin.getKey(), factory.apply(plugin.getValue()));
        LOG.info("infrastructure target {} is available", plugin.getKey());
      } catch (RuntimeException e) {
        LOG.error("cannot create infrastructure target {}: {}", plugin.getKey(), e.toString());
      }
    }
    made.targets()
        .forEach(
            (name, target) -> {
              if (targets.get(name) != target) {
                close(target);
              }
            });
    return new Made(Map.copyOf(now), Collections.unmodifiableMap(targets));
  }

  private static boolean sameInstances(
      Map<String, InfrastructurePlugin> before, Map<String, InfrastructurePlugin> now) {
    if (!before.keySet().equals(now.keySet())) {
      return false;
    }
    return before.entrySet().stream().allMatch(e -> now.get(e.getKey()) == e.getValue());
  }

  /**
   * The target a manifest selects: its {@code infrastructure_target}, else the only installed one,
   * else the configured default ({@code INFRASTRUCTURE_TARGET}), else {@code local} when it is
   * installed.
   */
  public String choose(Optional<String> requested) {
    Map<String, InfrastructureTarget> targets = targets();
    if (targets.isEmpty()) {
      throw new ValidationException(
          "No infrastructure targets available. Install appropriate plugin.");
    }
    if (requested.isPresent()) {
      return get(requested.get()).name();
    }
    if (targets.size() == 1) {
      return targets.keySet().iterator().next();
    }
    if (configuredDefault.isEmpty() && targets.containsKey(LOCAL)) {
      return LOCAL; // the embedded default stays the default until the operator picks another
    }
    return configuredDefault.orElseThrow(
        () ->
            new ValidationException(
                "Multiple infrastructure targets available "
                    + targets.keySet()
                    + ": choose one with infrastructure_target"));
  }

  /** The target with this name. */
  public InfrastructureTarget get(String name) {
    Map<String, InfrastructureTarget> targets = targets();
    InfrastructureTarget target = targets.get(name);
    if (target == null) {
      throw new ValidationException(
          "infrastructure target '" + name + "' is not available; available: " + targets.keySet());
    }
    return target;
  }

  /**
   * Whether an artifact built before can run on a target: an image reference on a target that runs
   * images, an artifact directory (an absolute path) on one that runs processes.
   */
  public boolean fits(String target, String artifact) {
    return get(target).runsImages() != artifact.startsWith("/");
  }

  public Collection<InfrastructureTarget> all() {
    return targets().values();
  }

  @Override
  public synchronized void close() {
    made.targets().values().forEach(Targets::close);
    made = new Made(Map.of(), Map.of());
  }

  private static void close(InfrastructureTarget target) {
    try {
      target.close();
    } catch (RuntimeException e) {
      LOG.warn("closing infrastructure target {} failed: {}", target.name(), e.toString());
    }
  }
}
