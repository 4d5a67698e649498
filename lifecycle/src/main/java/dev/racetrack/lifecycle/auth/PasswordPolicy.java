package dev.racetrack.lifecycle.auth;

import dev.racetrack.model.error.ValidationException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The password policy (§4.7): at least 8 characters, not only digits, not a common password (a
 * bundled list, compared case-insensitively).
 */
public final class PasswordPolicy {
  public static final int MIN_LENGTH = 8;
  private static final int MAX_LENGTH = 256;

  private final Set<String> common;

  private PasswordPolicy(Set<String> common) {
    this.common = Set.copyOf(common);
  }

  /** The policy with the bundled list of common passwords. */
  public static PasswordPolicy standard() {
    Set<String> words = new HashSet<>();
    try (InputStream in = PasswordPolicy.class.getResourceAsStream("common-passwords.txt")) {
      if (in == null) {
        throw new IllegalStateException("common-passwords.txt is missing from the class path");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.isBlank() && !line.startsWith("#")) {
          words.add(line.strip().toLowerCase(Locale.ROOT));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new PasswordPolicy(words);
  }

  /**
   * Checks a password.
   *
   * @throws ValidationException listing every rule it breaks
   */
  public void check(String password) {
    List<String> problems = new ArrayList<>();
    if (password == null || password.isEmpty()) {
      throw new ValidationException("password must not be empty");
    }
    if (password.length() < MIN_LENGTH) {
      problems.add("it must contain at least " + MIN_LENGTH + " characters");
    }
    if (password.length() > MAX_LENGTH) {
      problems.add("it must not be longer than " + MAX_LENGTH + " characters");
    }
    if (password.chars().allMatch(Character::isDigit)) {
      problems.add("it must not be entirely numeric");
    }
    if (common.contains(password.strip().toLowerCase(Locale.ROOT))) {
      problems.add("it is too common");
    }
    if (!problems.isEmpty()) {
      throw new ValidationException("password is not accepted: " + String.join("; ", problems));
    }
  }
}
