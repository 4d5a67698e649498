package dev.racetrack.samples.webhook;

import dev.racetrack.model.Json;
import dev.racetrack.spi.JobChange;
import dev.racetrack.spi.PluginHook;
import dev.racetrack.spi.PluginSetup;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Posts a JSON notification to the configured {@code webhook_url} after a job is deployed or
 * deleted. Does nothing until configured.
 */
public final class WebhookNotifier implements PluginHook {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private PluginSetup setup;

  @Override
  public void init(PluginSetup setup) {
    this.setup = setup;
  }

  @Override
  public void afterDeploy(JobChange job) {
    notify("deployed", job);
  }

  @Override
  public void afterDelete(JobChange job) {
    notify("deleted", job);
  }

  @Override
  public void validateConfig(String yaml) {
    Map<String, Object> config = PluginSetup.parseConfig(yaml);
    Object url = config.get("webhook_url");
    if (!(url instanceof String text) || !(text.startsWith("http://") || text.startsWith("https://"))) {
      throw new IllegalArgumentException("webhook_url (an http or https URL) is required");
    }
    URI.create(text);
    Object headers = config.get("headers");
    if (headers != null && !(headers instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("headers should be a mapping of name: value");
    }
  }

  @Override
  public Optional<String> markdownDocs() {
    return Optional.of(
        "# webhook-notifier\n\nPosts `{\"event\": \"deployed\"|\"deleted\", \"job_name\", \"job_version\","
            + " \"username\", \"infrastructure_target\", \"text\"}` to `webhook_url`.\n\n"
            + "Configuration: `webhook_url` (required), `headers` (optional mapping).\n");
  }

  private void notify(String event, JobChange job) {
    Map<String, Object> config = setup.configMap();
    if (!(config.get("webhook_url") instanceof String url)) {
      return; // not configured
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", event);
    body.put("job_name", job.jobName());
    body.put("job_version", job.jobVersion());
    body.put("username", job.username());
    body.put("infrastructure_target", job.infrastructureTarget().orElse(""));
    body.put(
        "text", "Job " + job.jobName() + " " + job.jobVersion() + " " + event + " by " + job.username());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body)));
    if (config.get("headers") instanceof Map<?, ?> headers) {
      headers.forEach((name, value) -> request.header(String.valueOf(name), String.valueOf(value)));
    }
    try {
      HttpResponse<Void> response = http.send(request.build(), HttpResponse.BodyHandlers.discarding());
      if (response.statusCode() >= 300) {
        throw new IllegalStateException("the webhook answered HTTP " + response.statusCode());
      }
    } catch (IOException e) {
      throw new IllegalStateException("the webhook at " + url + " cannot be reached: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling the webhook", e);
    }
  }
}
