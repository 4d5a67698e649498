package dev.racetrack.model.manifest;

import dev.racetrack.model.error.ValidationException;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity such as {@code 256Mi}, {@code 1Gi}, {@code 500m} or {@code 2}.
 *
 * @param text the quantity as written
 * @param value the quantity in base units (bytes, or cores)
 */
public record Quantity(String text, BigDecimal value) implements Comparable<Quantity> {

  private static final Pattern FORMAT =
      Pattern.compile("^([0-9]+(?:\\.[0-9]+)?)(Ei|Pi|Ti|Gi|Mi|Ki|E|P|T|G|M|k|m|u|n|p)?$");

  private static final Map<String, BigDecimal> MULTIPLIERS =
      Map.ofEntries(
          Map.entry("", BigDecimal.ONE),
          Map.entry("Ki", BigDecimal.valueOf(1024L)),
          Map.entry("Mi", BigDecimal.valueOf(1024L * 1024)),
          Map.entry("Gi", BigDecimal.valueOf(1024L * 1024 * 1024)),
          Map.entry("Ti", BigDecimal.valueOf(1024L * 1024 * 1024 * 1024)),
          Map.entry("Pi", BigDecimal.valueOf(1024L * 1024 * 1024 * 1024 * 1024)),
          Map.entry("Ei", BigDecimal.valueOf(1024L * 1024 * 1024 * 1024 * 1024 * 1024)),
          Map.entry("p", new BigDecimal("1e-12")),
          Map.entry("n", new BigDecimal("1e-9")),
          Map.entry("u", new BigDecimal("1e-6")),
          Map.entry("m", new BigDecimal("1e-3")),
          Map.entry("k", new BigDecimal("1e3")),
          Map.entry("M", new BigDecimal("1e6")),
          Map.entry("G", new BigDecimal("1e9")),
          Map.entry("T", new BigDecimal("1e12")),
          Map.entry("P", new BigDecimal("1e15")),
          Map.entry("E", new BigDecimal("1e18")));

  /** Parses a quantity; {@code field} names it in the error message. */
  public static Quantity parse(String text, String field) {
    Matcher m = FORMAT.matcher(text.trim());
    if (!m.matches()) {
      throw new ValidationException(
          field
              + ": '"
              + text
              + "' is not a Kubernetes quantity (e.g. 256Mi, 1Gi, 500m, 2; suffixes"
              + " E,P,T,G,M,k,m,u,n,p,Ei,Pi,Ti,Gi,Mi,Ki)");
    }
    String suffix = m.group(2) == null ? "" : m.group(2);
    return new Quantity(text.trim(), new BigDecimal(m.group(1)).multiply(MULTIPLIERS.get(suffix)));
  }

  /** The value rounded down to a whole number of base units (e.g. bytes). */
  public long longValue() {
    return value.longValue();
  }

  @Override
  public int compareTo(Quantity other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return text;
  }
}
