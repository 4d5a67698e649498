package dev.racetrack.spi;

/** Creates an {@link InfrastructureTarget}; found with {@link java.util.ServiceLoader}. */
public interface InfrastructurePlugin {

  /** Name of the target this plugin provides. */
  String name();

  /** Creates the target. */
  InfrastructureTarget create(PluginContext context);
}
