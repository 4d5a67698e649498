package dev.racetrack.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.racetrack.model.DeployRequest.GitCredentials;
import dev.racetrack.model.Json;
import dev.racetrack.spi.JobSecrets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The keys of a job version's stored-secrets Secret. */
final class StoredSecrets {
  static final String GIT_CREDENTIALS = "git_credentials";
  static final String BUILD_ENV = "secret_build_env";
  static final String RUNTIME_ENV = "secret_runtime_env";

  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private StoredSecrets() {}

  static Map<String, String> encode(JobSecrets secrets) {
    Map<String, String> data = new HashMap<>();
    secrets.gitCredentials().ifPresent(c -> data.put(GIT_CREDENTIALS, Json.write(c)));
    data.put(BUILD_ENV, Json.write(secrets.buildEnv()));
    data.put(RUNTIME_ENV, Json.write(secrets.runtimeEnv()));
    return data;
  }

  static JobSecrets decode(Map<String, String> data) {
    try {
      Optional<GitCredentials> git =
          data.containsKey(GIT_CREDENTIALS)
              ? Optional.of(
                  Json.mapper().readValue(data.get(GIT_CREDENTIALS), GitCredentials.class))
              : Optional.empty();
      return new JobSecrets(git, map(data, BUILD_ENV), map(data, RUNTIME_ENV));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(
          "a stored job Secret is not readable (key contents are not JSON): "
              + e.getOriginalMessage(),
          e);
    }
  }

  private static Map<String, String> map(Map<String, String> data, String key)
      throws JsonProcessingException {
    return data.containsKey(key) ? Json.mapper().readValue(data.get(key), STRING_MAP) : Map.of();
  }
}
