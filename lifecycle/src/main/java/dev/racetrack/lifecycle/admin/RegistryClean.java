package dev.racetrack.lifecycle.admin;

import dev.racetrack.lifecycle.imageregistry.ImagesInUseRepository;
import dev.racetrack.lifecycle.imageregistry.RegistryCleaner;
import dev.racetrack.lifecycle.imageregistry.RegistryClient;
import dev.racetrack.lifecycle.imageregistry.RegistryConfig;
import java.net.http.HttpClient;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code racetrack admin registry-clean [--apply] [--keep N]}. */
@Command(
    name = "registry-clean",
    mixinStandardHelpOptions = true,
    description = {
      "Remove tags of job images no job uses any more from the registry (DOCKER_REGISTRY), keeping",
      "the newest --keep per job. A dry run unless --apply is given."
    })
final class RegistryClean implements Callable<Integer> {
  @ParentCommand AdminCommands admin;

  @Option(names = "--apply", description = "Delete (without it, only print what would go).")
  boolean apply;

  @Option(
      names = "--keep",
      paramLabel = "N",
      description =
          "Newest tags kept per job besides the ones in use (default: REGISTRY_CLEAN_KEEP, 10).")
  Integer keep;

  @Override
  public Integer call() {
    RegistryConfig config = RegistryConfig.fromEnv(admin.context().env());
    if (config.registry().isEmpty()) {
      admin
          .context()
          .err()
          .println("error: DOCKER_REGISTRY is not set: there is no registry to clean");
      return 1;
    }
    if (keep != null && keep < 0) {
      admin.context().err().println("error: --keep must be >= 0, got " + keep);
      return 1;
    }
    List<String> inUse = admin.withJdbi(jdbi -> new ImagesInUseRepository(jdbi).imagesInUse());
    try (HttpClient http = HttpClient.newHttpClient()) {
      new RegistryCleaner(new RegistryClient(http, config), config, () -> inUse)
          .clean(keep == null ? config.keep() : keep, apply, admin.context().out()::println);
    }
    if (!apply) {
      admin.context().out().println("(dry run: nothing was deleted; add --apply to delete)");
    }
    return 0;
  }
}
