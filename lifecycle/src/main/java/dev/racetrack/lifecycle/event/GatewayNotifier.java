package dev.racetrack.lifecycle.event;

import dev.racetrack.model.Json;
import dev.racetrack.model.http.ApiClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells PUB to forget cached authorizations when something they depend on changes (a job deployed,
 * moved or deleted; later also revoked tokens and permissions), so the change is in force at the
 * gateway at once rather than after the cache's lifetime.
 */
public final class GatewayNotifier {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayNotifier.class);

  private final HttpClient http;
  private final String pubUrl;
  private final String internalToken;
  private final Set<CompletableFuture<Boolean>> pending = ConcurrentHashMap.newKeySet();

  public GatewayNotifier(HttpClient http, String pubUrl, String internalToken) {
    this.http = http;
    this.pubUrl = pubUrl;
    this.internalToken = internalToken;
  }

  /** Asks PUB to drop cached answers (all, or those of one job). Never blocks the caller. */
  public CompletableFuture<Boolean> invalidate(String reason) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(pubUrl + "/cache/invalidate"))
            .timeout(Duration.ofSeconds(2))
            .header(ApiClient.AUTH_HEADER, internalToken)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(Json.writeBytes(Map.of("reason", reason))))
            .build();
    CompletableFuture<Boolean> sent =
        http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
            .thenApply(
                response -> {
                  if (response.statusCode() != 200) {
                    LOG.warn(
                        "PUB refused to invalidate its cache ({}): HTTP {}",
                        reason,
                        response.statusCode());
                  }
                  return response.statusCode() == 200;
                })
            .exceptionally(
                e -> {
                  LOG.warn(
                      "cannot reach PUB at {} to invalidate its cache ({}): {}",
                      pubUrl,
                      reason,
                      rootMessage(e));
                  return false;
                });
    pending.add(sent);
    var unused = sent.whenComplete((ok, e) -> pending.remove(sent));
    return sent;
  }

  /**
   * Waits up to {@code max} for the notifications sent so far to be answered: a short-lived process
   * (an admin command) would otherwise exit before they leave. Failures are logged by {@link
   * #invalidate} already.
   */
  public void awaitSent(Duration max) {
    try {
      CompletableFuture.allOf(pending.toArray(CompletableFuture<?>[]::new))
          .get(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      LOG.warn("PUB did not answer the cache invalidation within {}", max);
    } catch (ExecutionException e) {
      // invalidate() turns every failure into false: not reached
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root instanceof IOException ? root.toString() : String.valueOf(root.getMessage());
  }
}
