package dev.racetrack.model.manifest;

import dev.racetrack.model.error.ValidationException;
import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A Kubernetes resource quantity such as {@code 256Mi}, {@code 1Gi}, {@code 500m} or {@code 2},
 * parsed by fabric8's {@link io.fabric8.kubernetes.api.model.Quantity} (the Kubernetes client's own
 * rules: binary and decimal suffixes, decimal exponents).
 *
 * @param text the quantity as written
 * @param value the quantity in base units (bytes, or cores)
 */
public record Quantity(String text, BigDecimal value) implements Comparable<Quantity> {

  private static final BigInteger KI = BigInteger.valueOf(1024);

  /** Parses a non-negative quantity; {@code field} names it in the error message. */
  public static Quantity parse(String text, String field) {
    String trimmed = text.trim();
    BigDecimal value;
    try {
      value =
          io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
              io.fabric8.kubernetes.api.model.Quantity.parse(trimmed));
    } catch (RuntimeException e) {
      throw malformed(text, field);
    }
    if (trimmed.startsWith("+") || value.signum() < 0) {
      throw malformed(text, field);
    }
    return new Quantity(trimmed, value);
  }

  private static ValidationException malformed(String text, String field) {
    return new ValidationException(
        field
            + ": '"
            + text
            + "' is not a Kubernetes quantity (e.g. 256Mi, 1Gi, 500m, 2; suffixes"
            + " E,P,T,G,M,k,m,u,n,p,Ei,Pi,Ti,Gi,Mi,Ki)");
  }

  /** A whole number of bytes, written with the largest binary suffix that divides it. */
  public static Quantity ofBytes(BigInteger bytes) {
    String[] suffixes = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    BigInteger amount = bytes;
    int unit = 0;
    while (unit < suffixes.length - 1 && amount.signum() > 0 && amount.mod(KI).signum() == 0) {
      amount = amount.divide(KI);
      unit++;
    }
    return new Quantity(amount + suffixes[unit], new BigDecimal(bytes));
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
