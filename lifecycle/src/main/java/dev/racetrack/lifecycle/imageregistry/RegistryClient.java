package dev.racetrack.lifecycle.imageregistry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.model.error.RacetrackException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The registry's HTTP API v2 (the OCI distribution API): catalog, tag lists, manifests and manifest
 * deletion, with basic credentials, or the bearer tokens a registry hands out for them (its {@code
 * WWW-Authenticate: Bearer realm=...} challenge).
 */
public final class RegistryClient {
  static final String ACCEPT =
      String.join(
          ",",
          "application/vnd.oci.image.manifest.v1+json",
          "application/vnd.docker.distribution.manifest.v2+json",
          "application/vnd.oci.image.index.v1+json",
          "application/vnd.docker.distribution.manifest.list.v2+json");
  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"?next\"?");
  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final HttpClient http;
  private final String base;
  private final Optional<String> basic;
  private final Map<String, String> tokens = new HashMap<>();

  public RegistryClient(HttpClient http, RegistryConfig config) {
    this.http = http;
    this.base = (config.insecure() ? "http://" : "https://") + config.registry().orElseThrow();
    this.basic =
        config
            .username()
            .map(
                u ->
                    "Basic "
                        + Base64.getEncoder()
                            .encodeToString(
                                (u + ":" + config.password().orElseThrow())
                                    .getBytes(StandardCharsets.UTF_8)));
  }

  /** A manifest: its digest and the blobs (config, layers) it refers to, with their sizes. */
  public record Manifest(String digest, Map<String, Long> blobs) {
    public Manifest {
      blobs = Map.copyOf(blobs);
    }
  }

  /** Every repository of the registry's catalog. */
  public List<String> repositories() {
    List<String> all = new ArrayList<>();
    paged("/v2/_catalog?n=500", "repositories", all);
    return all;
  }

  /** The tags of a repository (none when it has none left, or the registry forgot it). */
  public List<String> tags(String repository) {
    List<String> all = new ArrayList<>();
    try {
      paged("/v2/" + repository + "/tags/list?n=500", "tags", all);
    } catch (NotFound e) {
      return List.of();
    }
    return all;
  }

  /** A 404 from the registry. */
  private static final class NotFound extends RacetrackException {
    private static final long serialVersionUID = 1L;

    NotFound(String message) {
      super(message);
    }
  }

  public Manifest manifest(String repository, String reference) {
    HttpResponse<byte[]> response =
        send("GET", "/v2/" + repository + "/manifests/" + reference, 200);
    String digest =
        response
            .headers()
            .firstValue("Docker-Content-Digest")
            .orElseThrow(
                () ->
                    new RacetrackException(
                        "the registry gave no digest for " + repository + ":" + reference));
    Map<String, Long> blobs = new HashMap<>();
    JsonNode json = readJson(response.body());
    if (json.has("config")) {
      blobs.put(json.at("/config/digest").asText(), json.at("/config/size").asLong());
    }
    json.path("layers").forEach(l -> blobs.put(l.get("digest").asText(), l.path("size").asLong()));
    return new Manifest(digest, blobs);
  }

  /** Deletes a manifest (and so every tag pointing at it) by digest. */
  public void delete(String repository, String digest) {
    send("DELETE", "/v2/" + repository + "/manifests/" + digest, 202);
  }

  private void paged(String first, String field, List<String> into) {
    Optional<String> next = Optional.of(first);
    while (next.isPresent()) {
      HttpResponse<byte[]> response = send("GET", next.get(), 200);
      readJson(response.body()).path(field).forEach(n -> into.add(n.asText()));
      next =
          response
              .headers()
              .firstValue("Link")
              .map(NEXT::matcher)
              .filter(Matcher::find)
              .map(m -> m.group(1));
    }
  }

  private HttpResponse<byte[]> send(String method, String path, int expected) {
    String scopeKey = path.startsWith("/v2/_catalog") ? "catalog" : repositoryOf(path);
    HttpResponse<byte[]> response = call(method, path, authorization(scopeKey));
    if (response.statusCode() == 401) {
      Optional<String> challenge = response.headers().firstValue("WWW-Authenticate");
      if (challenge.isPresent() && challenge.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
        tokens.put(scopeKey, "Bearer " + token(challenge.get()));
        response = call(method, path, authorization(scopeKey));
      }
    }
    if (response.statusCode() != expected) {
      String body = new String(response.body(), StandardCharsets.UTF_8).strip();
      if (response.statusCode() == 404) {
        throw new NotFound("registry answered 404 to " + method + " " + path + ": " + body);
      }
      throw new RacetrackException(
          "registry answered "
              + response.statusCode()
              + " to "
              + method
              + " "
              + path
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8).strip());
    }
    return response;
  }

  private Optional<String> authorization(String scopeKey) {
    return Optional.ofNullable(tokens.get(scopeKey)).or(() -> basic);
  }

  private static String repositoryOf(String path) {
    String rest = path.substring("/v2/".length());
    int end = rest.indexOf("/manifests/");
    end = end >= 0 ? end : rest.indexOf("/tags/");
    return end >= 0 ? rest.substring(0, end) : rest;
  }

  /** A bearer token from the realm a {@code Bearer realm="...",service="...",scope="..."} names. */
  private String token(String challenge) {
    Map<String, String> params = new HashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      params.put(m.group(1).toLowerCase(java.util.Locale.ROOT), m.group(2));
    }
    String realm = params.get("realm");
    if (realm == null || !realm.startsWith("https://") && !realm.startsWith("http://")) {
      throw new RacetrackException("the registry's token challenge names no realm: " + challenge);
    }
    StringBuilder url = new StringBuilder(realm).append(realm.contains("?") ? '&' : '?');
    for (String key : List.of("service", "scope")) {
      if (params.containsKey(key)) {
        url.append(key)
            .append('=')
            .append(URLEncoder.encode(params.get(key), StandardCharsets.UTF_8))
            .append('&');
      }
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url.toString())).timeout(Duration.ofSeconds(30));
    basic.ifPresent(b -> request.header("Authorization", b));
    HttpResponse<byte[]> response = execute(request.GET().build());
    if (response.statusCode() != 200) {
      throw new RacetrackException(
          "the registry's token service answered "
              + response.statusCode()
              + " for the credentials");
    }
    JsonNode json = readJson(response.body());
    String token = json.path("token").asText(json.path("access_token").asText(""));
    if (token.isEmpty()) {
      throw new RacetrackException("the registry's token service sent no token");
    }
    return token;
  }

  private HttpResponse<byte[]> call(String method, String path, Optional<String> authorization) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : base + path))
            .timeout(Duration.ofSeconds(60))
            .header("Accept", ACCEPT)
            .method(method, HttpRequest.BodyPublishers.noBody());
    authorization.ifPresent(a -> request.header("Authorization", a));
    return execute(request.build());
  }

  private HttpResponse<byte[]> execute(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new RacetrackException(
          "cannot reach the registry at " + request.uri().getHost() + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RacetrackException("interrupted while calling the registry", e);
    }
  }

  private static JsonNode readJson(byte[] body) {
    try {
      return Json.mapper().readTree(body);
    } catch (IOException e) {
      throw new RacetrackException("the registry sent invalid JSON: " + e.getMessage(), e);
    }
  }
}
