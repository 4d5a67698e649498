package dev.racetrack.model.manifest;

import dev.racetrack.model.error.ValidationException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The platform's resource defaults and ceiling for jobs (the reference's §9.2): what a job gets
 * when its manifest's {@code resources} leave a value out, and the most memory any job may ask for.
 *
 * <p>The effective resources of a manifest: every missing value takes the default; when {@code
 * memory_max} (or {@code cpu_max}) is missing and the default is below the given minimum, the
 * maximum is the minimum, and when a minimum is missing and its default is above the given maximum,
 * the minimum is the maximum; {@code memory_min} is raised to a quarter of {@code memory_max} when
 * it is lower (a job may not burst to more than four times what it reserves); {@code memory_max}
 * may not exceed the ceiling.
 *
 * @param memoryMin default {@code memory_min} ({@code DEFAULT_JOB_MEMORY_MIN}, 256Mi)
 * @param memoryMax default {@code memory_max} ({@code DEFAULT_JOB_MEMORY_MAX}, 1Gi)
 * @param cpuMin default {@code cpu_min} ({@code DEFAULT_JOB_CPU_MIN}, 10m)
 * @param cpuMax default {@code cpu_max} ({@code DEFAULT_JOB_CPU_MAX}, 1000m)
 * @param memoryLimit the most {@code memory_max} may be ({@code MAX_JOB_MEMORY_LIMIT}, 8Gi)
 */
public record ResourcePolicy(
    Quantity memoryMin,
    Quantity memoryMax,
    Quantity cpuMin,
    Quantity cpuMax,
    Quantity memoryLimit) {

  private static final Map<String, String> DEFAULTS =
      Map.of(
          "DEFAULT_JOB_MEMORY_MIN", "256Mi",
          "DEFAULT_JOB_MEMORY_MAX", "1Gi",
          "DEFAULT_JOB_CPU_MIN", "10m",
          "DEFAULT_JOB_CPU_MAX", "1000m",
          "MAX_JOB_MEMORY_LIMIT", "8Gi");

  public ResourcePolicy {
    Objects.requireNonNull(memoryMin, "memoryMin");
    Objects.requireNonNull(memoryMax, "memoryMax");
    Objects.requireNonNull(cpuMin, "cpuMin");
    Objects.requireNonNull(cpuMax, "cpuMax");
    Objects.requireNonNull(memoryLimit, "memoryLimit");
  }

  /** The reference's defaults: 256Mi-1Gi of memory, 10m-1000m of CPU, at most 8Gi. */
  public static ResourcePolicy defaults() {
    return fromEnv(Map.of());
  }

  /**
   * The policy from environment variables ({@code DEFAULT_JOB_MEMORY_MIN}, {@code
   * DEFAULT_JOB_MEMORY_MAX}, {@code DEFAULT_JOB_CPU_MIN}, {@code DEFAULT_JOB_CPU_MAX}, {@code
   * MAX_JOB_MEMORY_LIMIT}); unset ones take the reference's defaults.
   *
   * @throws ValidationException naming the variable that is not a positive quantity, or whose
   *     default breaks the policy
   */
  public static ResourcePolicy fromEnv(Map<String, String> env) {
    ResourcePolicy policy =
        new ResourcePolicy(
            quantity(env, "DEFAULT_JOB_MEMORY_MIN"),
            quantity(env, "DEFAULT_JOB_MEMORY_MAX"),
            quantity(env, "DEFAULT_JOB_CPU_MIN"),
            quantity(env, "DEFAULT_JOB_CPU_MAX"),
            quantity(env, "MAX_JOB_MEMORY_LIMIT"));
    if (policy.memoryMax.compareTo(policy.memoryLimit) > 0) {
      throw new ValidationException(
          "DEFAULT_JOB_MEMORY_MAX: "
              + policy.memoryMax
              + " is above MAX_JOB_MEMORY_LIMIT "
              + policy.memoryLimit);
    }
    return policy;
  }

  private static Quantity quantity(Map<String, String> env, String variable) {
    String text = Optional.ofNullable(env.get(variable)).orElse(DEFAULTS.get(variable));
    Quantity quantity = Quantity.parse(text, variable);
    if (quantity.value().signum() <= 0) {
      throw new ValidationException(variable + ": must be greater than zero, got '" + text + "'");
    }
    return quantity;
  }

  /**
   * The resources a job with {@code asked} (its manifest's {@code resources}, if any) gets.
   *
   * @throws ValidationException naming {@code resources.memory_max} when it exceeds the ceiling
   */
  public Manifest.Resources effective(Manifest.@Nullable Resources asked) {
    Optional<Manifest.Resources> given = Optional.ofNullable(asked);
    Quantity askedMemoryMin = given(given.map(Manifest.Resources::memoryMin), "memory_min");
    Quantity askedMemoryMax = given(given.map(Manifest.Resources::memoryMax), "memory_max");
    Quantity askedCpuMin = given(given.map(Manifest.Resources::cpuMin), "cpu_min");
    Quantity askedCpuMax = given(given.map(Manifest.Resources::cpuMax), "cpu_max");
    Quantity minMemory = minOf(askedMemoryMin, memoryMin, askedMemoryMax);
    Quantity maxMemory = maxOf(askedMemoryMax, memoryMax, minMemory);
    Quantity minCpu = minOf(askedCpuMin, cpuMin, askedCpuMax);
    Quantity maxCpu = maxOf(askedCpuMax, cpuMax, minCpu);
    if (maxMemory.compareTo(memoryLimit) > 0) {
      throw new ValidationException(
          "resources.memory_max: "
              + maxMemory
              + " is more than this platform allows a job ("
              + memoryLimit
              + ", MAX_JOB_MEMORY_LIMIT)");
    }
    BigDecimal quarter = maxMemory.value().divide(BigDecimal.valueOf(4), 0, RoundingMode.CEILING);
    if (minMemory.value().compareTo(quarter) < 0) {
      minMemory = Quantity.ofBytes(quarter.toBigIntegerExact());
    }
    return new Manifest.Resources(minMemory.text(), maxMemory.text(), minCpu.text(), maxCpu.text());
  }

  private static @Nullable Quantity given(Optional<String> text, String key) {
    return text.map(t -> Quantity.parse(t, "resources." + key)).orElse(null);
  }

  /** The asked minimum; else the default, unless that is above the asked maximum, then that. */
  private static Quantity minOf(
      @Nullable Quantity asked, Quantity byDefault, @Nullable Quantity askedMax) {
    if (asked != null) {
      return asked;
    }
    return askedMax != null && byDefault.compareTo(askedMax) > 0 ? askedMax : byDefault;
  }

  /** The asked maximum; else the default, unless that is below the minimum, then the minimum. */
  private static Quantity maxOf(@Nullable Quantity asked, Quantity byDefault, Quantity min) {
    if (asked != null) {
      return asked;
    }
    return byDefault.compareTo(min) < 0 ? min : byDefault;
  }
}
