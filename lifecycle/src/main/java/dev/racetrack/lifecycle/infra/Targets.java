package dev.racetrack.lifecycle.infra;

import dev.racetrack.model.error.ValidationException;
import dev.racetrack.spi.InfrastructureTarget;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The infrastructure targets this platform can deploy to, and the choice among them (§9.4). */
public final class Targets implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Targets.class);

  private static final String LOCAL = "local";

  private final Map<String, InfrastructureTarget> targets;
  private final Optional<String> configuredDefault;

  public Targets(Collection<InfrastructureTarget> targets, Optional<String> configuredDefault) {
    this.targets = new TreeMap<>();
    targets.forEach(t -> this.targets.put(t.name(), t));
    this.configuredDefault = configuredDefault;
    configuredDefault.ifPresent(this::get);
  }

  /**
   * The target a manifest selects: its {@code infrastructure_target}, else the only installed one,
   * else the configured default ({@code INFRASTRUCTURE_TARGET}), else {@code local} when it is
   * installed.
   */
  public String choose(Optional<String> requested) {
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
    return targets.values();
  }

  @Override
  public void close() {
    for (InfrastructureTarget target : targets.values()) {
      try {
        target.close();
      } catch (RuntimeException e) {
        LOG.warn("closing infrastructure target {} failed: {}", target.name(), e.toString());
      }
    }
  }
}
