package dev.racetrack.spi;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Talks to a job's health endpoints: waits for a new instance to become alive and ready (§6.4) and
 * takes quick looks at running ones (§6.3).
 */
public final class JobProbe {
  private static final Duration QUICK_TIMEOUT = Duration.ofSeconds(3);
  private static final Pattern LAST_CALL =
      Pattern.compile("(?m)^last_call_timestamp(?:\\{[^}]*\\})?\\s+([0-9.eE+-]+)\\s*$");

  private final HttpClient http;
  private final Clock clock;

  public JobProbe(HttpClient http, Clock clock) {
    this.http = http;
    this.clock = clock;
  }

  /** What a quick probe saw. */
  public record Health(boolean ready, Optional<String> error, OptionalLong lastCallTime) {}

  /**
   * Waits until {@code baseUrl/live} reports {@code deploymentTimestamp} and then until {@code
   * baseUrl/ready} answers 200.
   *
   * @param stillRunning polled between attempts; false means the instance died and waiting stops
   * @param onAlive called once when the instance is alive (its entrypoint is then loading)
   * @throws JobStartException with the reason when the deadline passes or the job reports an error
   */
  public void awaitReady(
      String baseUrl,
      long deploymentTimestamp,
      Duration timeout,
      BooleanSupplier stillRunning,
      Runnable onAlive) {
    Instant deadline = clock.instant().plus(timeout);
    awaitAlive(baseUrl, deploymentTimestamp, deadline, stillRunning);
    onAlive.run();
    int attempt = 0;
    while (true) {
      Optional<UnixSocketHttp.Answer> ready = get(baseUrl + "/ready", QUICK_TIMEOUT);
      if (ready.isPresent() && ready.get().statusCode() == 200) {
        return;
      }
      Optional<UnixSocketHttp.Answer> live = get(baseUrl + "/live", QUICK_TIMEOUT);
      live.filter(r -> r.statusCode() != 200)
          .flatMap(r -> errorField(r.body()))
          .ifPresent(
              error -> {
                throw new JobStartException("Job initialization error: " + error);
              });
      checkStillRunning(stillRunning);
      pause(
          deadline, attempt++, "the job did not become ready within " + timeout.toSeconds() + " s");
    }
  }

  private void awaitAlive(
      String baseUrl, long deploymentTimestamp, Instant deadline, BooleanSupplier stillRunning) {
    int attempt = 0;
    while (true) {
      Optional<UnixSocketHttp.Answer> live = get(baseUrl + "/live", QUICK_TIMEOUT);
      if (live.isPresent()) {
        Optional<JsonNode> body = parse(live.get().body());
        long reported = body.map(b -> b.path("deployment_timestamp").asLong(-1)).orElse(-1L);
        if (live.get().statusCode() != 200) {
          Optional<String> error =
              body.map(b -> b.path("error").asText("")).filter(s -> !s.isEmpty());
          if (error.isPresent()) {
            throw new JobStartException("Job initialization error: " + error.get());
          }
        } else if (reported == deploymentTimestamp) {
          return;
        }
      }
      checkStillRunning(stillRunning);
      pause(deadline, attempt++, "the job did not become alive before the deadline");
    }
  }

  /** A quick look at a running instance: ready or why not, and the last call time. */
  public Health probe(String baseUrl) {
    Optional<UnixSocketHttp.Answer> live = get(baseUrl + "/live", QUICK_TIMEOUT);
    if (live.isEmpty()) {
      return new Health(false, Optional.of("job is not answering"), OptionalLong.empty());
    }
    if (live.get().statusCode() != 200) {
      String error =
          errorField(live.get().body()).orElse("live check returned " + live.get().statusCode());
      return new Health(false, Optional.of(error), OptionalLong.empty());
    }
    Optional<UnixSocketHttp.Answer> ready = get(baseUrl + "/ready", QUICK_TIMEOUT);
    OptionalLong lastCall = lastCallTime(baseUrl);
    if (ready.isEmpty()) {
      return new Health(false, Optional.of("job is not answering"), lastCall);
    }
    return switch (ready.get().statusCode()) {
      case 200 -> new Health(true, Optional.empty(), lastCall);
      case 404 -> new Health(false, Optional.of("readiness endpoint not found"), lastCall);
      default -> new Health(false, Optional.of("job is still initializing"), lastCall);
    };
  }

  private OptionalLong lastCallTime(String baseUrl) {
    return get(baseUrl + "/metrics", QUICK_TIMEOUT)
        .filter(r -> r.statusCode() == 200)
        .map(r -> parseLastCall(r.body()))
        .orElse(OptionalLong.empty());
  }

  /** Reads the {@code last_call_timestamp} gauge out of a Prometheus text exposition. */
  static OptionalLong parseLastCall(String metrics) {
    Matcher m = LAST_CALL.matcher(metrics);
    if (!m.find()) {
      return OptionalLong.empty();
    }
    try {
      long value = (long) Double.parseDouble(m.group(1));
      return value > 0 ? OptionalLong.of(value) : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /**
   * The base URL of the health endpoints of a job at {@code address}: {@code host:port}, or {@code
   * unix:/path} for a job reachable only through a Unix socket.
   */
  public static String baseUrl(String address) {
    return address.startsWith(UNIX_PREFIX)
        ? UNIX_SCHEME + URLEncoder.encode(address.substring(UNIX_PREFIX.length()), UTF_8)
        : "http://" + address;
  }

  private static final String UNIX_PREFIX = "unix:";
  private static final String UNIX_SCHEME = "http+unix://";

  private Optional<UnixSocketHttp.Answer> get(String url, Duration timeout) {
    try {
      if (url.startsWith(UNIX_SCHEME)) {
        String rest = url.substring(UNIX_SCHEME.length());
        int slash = rest.indexOf('/');
        return Optional.of(
            UnixSocketHttp.get(
                Path.of(URLDecoder.decode(rest.substring(0, slash), UTF_8)),
                rest.substring(slash),
                timeout));
      }
      HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return Optional.of(new UnixSocketHttp.Answer(response.statusCode(), response.body()));
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobStartException("interrupted while waiting for the job", e);
    }
  }

  private static Optional<JsonNode> parse(String body) {
    try {
      return Optional.of(Json.mapper().readTree(body));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> errorField(String body) {
    return parse(body).map(b -> b.path("error").asText("")).filter(s -> !s.isEmpty());
  }

  private static void checkStillRunning(BooleanSupplier stillRunning) {
    if (!stillRunning.getAsBoolean()) {
      throw new JobStartException("the job process exited before it became ready");
    }
  }

  /**
   * Sleeps 20 ms, growing by half each attempt up to 100 ms for the first 50 attempts (a few
   * seconds: most jobs are ready by then, and seen ready promptly), then 500 ms; unless the
   * deadline has passed.
   */
  private void pause(Instant deadline, int attempt, String timeoutMessage) {
    if (!clock.instant().isBefore(deadline)) {
      throw new JobStartException(timeoutMessage);
    }
    long millis = attempt < 50 ? (long) Math.min(100, 20 * Math.pow(1.5, attempt)) : 500;
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobStartException("interrupted while waiting for the job", e);
    }
  }
}
