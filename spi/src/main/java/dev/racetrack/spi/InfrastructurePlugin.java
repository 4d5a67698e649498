package dev.racetrack.spi;

/** Creates an {@link InfrastructureTarget}; found with {@link java.util.ServiceLoader}. */
public interface InfrastructurePlugin {

  /** Name of the target this plugin provides. */
  String name();

  /** Creates the target. */
  InfrastructureTarget create(PluginContext context);

  /**
   * Whether the target keeps the secrets saved with {@link InfrastructureTarget#saveSecrets}
   * outside its {@link PluginContext#dataDir()} (e.g. as a cluster's Secrets). A platform backup
   * then reads them with {@link InfrastructureTarget#secrets} (the data directory's files are
   * copied as they are), and after a restore lifecycle writes them back with {@code saveSecrets}.
   */
  default boolean keepsSecretsOutsideDataDir() {
    return false;
  }
}
