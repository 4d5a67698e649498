package dev.racetrack.lifecycle.auth;

import dev.racetrack.model.config.EnvReader;
import java.time.Duration;
import java.util.Map;

/**
 * Account and session settings (issue #7 §3, §5), read from the environment.
 *
 * @param sessionLifetime how long a browser login stays valid ({@code SESSION_TTL_HOURS})
 * @param registrationEnabled whether anyone may register an account ({@code REGISTRATION_ENABLED})
 * @param registrationsPerHour registrations accepted per client address and hour ({@code
 *     REGISTRATIONS_PER_HOUR})
 */
public record AuthConfig(
    Duration sessionLifetime, boolean registrationEnabled, int registrationsPerHour) {

  public static AuthConfig fromEnv(Map<String, String> env) {
    EnvReader e = new EnvReader(env);
    return new AuthConfig(
        Duration.ofHours(e.positiveLong("SESSION_TTL_HOURS", 12)),
        e.bool("REGISTRATION_ENABLED", true),
        (int) e.positiveLong("REGISTRATIONS_PER_HOUR", 5));
  }

  /** The defaults (tests and admin commands). */
  public static AuthConfig defaults() {
    return fromEnv(Map.of());
  }
}
