package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.racetrack.http.ApiServer;
import dev.racetrack.http.Routes;
import dev.racetrack.model.error.UnavailableException;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * What the platform's APIs log for a 503: a refusal by design (maintenance mode, a stop under way)
 * is one warning with its reason; a 503 caused by a failure (a component unreachable) keeps its
 * stack trace at error level.
 */
class ApiErrorsLogIT {
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.racetrack.http.ApiErrors");
  private final HttpClient client = HttpClient.newHttpClient();
  private ApiServer server;

  @BeforeEach
  void start() {
    events.start();
    logger.addAppender(events);
    Routes routes =
        table -> {
          table.get(
              "/maintenance",
              ctx -> {
                throw new UnavailableException("Racetrack is currently in maintenance mode.");
              });
          table.get(
              "/unreachable",
              ctx -> {
                throw new UnavailableException(
                    "image builder is not reachable", new IOException("Connection refused"));
              });
        };
    server =
        new ApiServer(
                new ApiServer.Settings("errors-test", "0", "127.0.0.1", 0, List.of(""), 1024),
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                List.of(routes))
            .start();
  }

  @AfterEach
  void stop() {
    server.close();
    logger.detachAppender(events);
  }

  private int get(String path) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  @Test
  void refusalByDesign_isOneWarningWithItsReason_withoutAStackTrace() throws Exception {
    assertThat(get("/maintenance")).isEqualTo(503);

    assertThat(events.list)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.WARN);
              assertThat(e.getFormattedMessage())
                  .contains("GET /maintenance refused with 503")
                  .contains("maintenance mode");
              assertThat(e.getThrowableProxy()).isNull();
            });
  }

  @Test
  void unavailableBecauseOfAFailure_keepsItsStackTraceAtErrorLevel() throws Exception {
    assertThat(get("/unreachable")).isEqualTo(503);

    assertThat(events.list)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getLevel()).isEqualTo(Level.ERROR);
              assertThat(e.getThrowableProxy()).isNotNull();
              assertThat(e.getThrowableProxy().getCause().getMessage())
                  .isEqualTo("Connection refused");
            });
  }
}
