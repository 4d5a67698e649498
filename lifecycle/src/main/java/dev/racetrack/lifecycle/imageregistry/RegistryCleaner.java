package dev.racetrack.lifecycle.imageregistry;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Removes job images no job uses any more from the registry, keeping the newest N tags of each job
 * (tags are build timestamps, so newest = greatest). A manifest is deleted by digest only when none
 * of its tags is kept: an unchanged redeploy gives a new tag the same digest, and deleting it would
 * take the kept tag with it. Only repositories under {@code <namespace>/job-entrypoint/} are
 * touched.
 */
public final class RegistryCleaner {
  private final RegistryClient registry;
  private final RegistryConfig config;
  private final Supplier<List<String>> imagesInUse;

  public RegistryCleaner(
      RegistryClient registry, RegistryConfig config, Supplier<List<String>> imagesInUse) {
    this.registry = registry;
    this.config = config;
    this.imagesInUse = imagesInUse;
  }

  /** A manifest to delete: its repository, digest, the tags it carries and its size. */
  public record Removal(String repository, String digest, List<String> tags) {
    public Removal {
      tags = List.copyOf(tags);
    }
  }

  /**
   * What a clean removes (or removed).
   *
   * @param bytesFreed the summed sizes of the blobs (layers and configs) that only removed
   *     manifests refer to, among the job repositories scanned; the registry frees the space when
   *     its garbage collection runs
   * @param kept how many tags stay
   */
  public record Report(List<Removal> removals, long bytesFreed, int kept, boolean applied) {
    public Report {
      removals = List.copyOf(removals);
    }
  }

  /**
   * Works out what to remove, and removes it when {@code apply}; prints each step to {@code out}.
   */
  public Report clean(int keep, boolean apply, Consumer<String> out) {
    String prefix = config.jobRepositoryPrefix();
    InUse inUse = InUse.of(imagesInUse.get(), config.registry().orElseThrow());
    List<Removal> removals = new ArrayList<>();
    Map<String, Long> removedBlobs = new HashMap<>();
    Set<String> keptBlobs = new HashSet<>();
    int kept = 0;
    for (String repository : registry.repositories()) {
      if (!repository.startsWith(prefix)) {
        continue;
      }
      List<String> tags =
          registry.tags(repository).stream().sorted(Comparator.reverseOrder()).toList();
      Map<String, List<String>> tagsByDigest = new LinkedHashMap<>();
      Map<String, RegistryClient.Manifest> manifests = new HashMap<>();
      Set<String> keptDigests = new HashSet<>();
      for (int i = 0; i < tags.size(); i++) {
        String tag = tags.get(i);
        RegistryClient.Manifest manifest = registry.manifest(repository, tag);
        manifests.put(manifest.digest(), manifest);
        tagsByDigest.computeIfAbsent(manifest.digest(), d -> new ArrayList<>()).add(tag);
        if (i < keep || inUse.uses(repository, tag, manifest.digest())) {
          keptDigests.add(manifest.digest());
          kept++;
        }
      }
      for (Map.Entry<String, List<String>> entry : tagsByDigest.entrySet()) {
        RegistryClient.Manifest manifest = manifests.get(entry.getKey());
        if (keptDigests.contains(entry.getKey())) {
          keptBlobs.addAll(manifest.blobs().keySet());
        } else {
          removals.add(new Removal(repository, entry.getKey(), entry.getValue()));
          removedBlobs.putAll(manifest.blobs());
        }
      }
    }
    long bytes =
        removedBlobs.entrySet().stream()
            .filter(e -> !keptBlobs.contains(e.getKey()))
            .mapToLong(Map.Entry::getValue)
            .sum();
    for (Removal removal : removals) {
      String what = removal.repository() + ":" + String.join(",", removal.tags());
      if (apply) {
        registry.delete(removal.repository(), removal.digest());
        out.accept("removed " + what + " (" + removal.digest() + ")");
      } else {
        out.accept("would remove " + what + " (" + removal.digest() + ")");
      }
    }
    out.accept(
        (apply ? "removed " : "would remove ")
            + removals.size()
            + " image(s), keeping "
            + kept
            + " tag(s); space freed: "
            + mib(bytes)
            + " (blobs only the removed images use; the registry frees them at its next garbage"
            + " collection)");
    return new Report(removals, bytes, kept, apply);
  }

  private static String mib(long bytes) {
    return String.format(java.util.Locale.ROOT, "%.1f MiB (%d bytes)", bytes / 1048576.0, bytes);
  }

  /** The references in use, as (repository, digest) and (repository, tag) pairs. */
  private record InUse(Set<String> digests, Set<String> tags) {
    static InUse of(List<String> references, String registry) {
      Set<String> digests = new HashSet<>();
      Set<String> tags = new HashSet<>();
      for (String reference : references) {
        if (!reference.startsWith(registry + "/")) {
          continue;
        }
        String rest = reference.substring(registry.length() + 1);
        int at = rest.indexOf('@');
        if (at >= 0) {
          digests.add(rest.substring(0, at) + "@" + rest.substring(at + 1));
        } else {
          int colon = rest.lastIndexOf(':');
          if (colon > 0 && rest.indexOf('/', colon) < 0) {
            tags.add(rest.substring(0, colon) + ":" + rest.substring(colon + 1));
          }
        }
      }
      return new InUse(digests, tags);
    }

    boolean uses(String repository, String tag, String digest) {
      return digests.contains(repository + "@" + digest) || tags.contains(repository + ":" + tag);
    }
  }
}
