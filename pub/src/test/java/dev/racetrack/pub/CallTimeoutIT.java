package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One timeout per job: PUB gives a job until its {@code call_timeout} to start answering; then 504
 * naming the limit, or with {@code Prefer: respond-async} the call is handed to the async endpoint
 * (the job is not called again and its late answer completes the task).
 */
class CallTimeoutIT {
  private static final String CALL = "/pub/job/adder/latest/api/v1/perform";

  private final FakeLifecycleFixture lifecycle = FakeLifecycleFixture.start();
  private final FakeJobFixture job = FakeJobFixture.start();
  private final FakeAsyncEndpoint async = new FakeAsyncEndpoint();
  private PubFixture pub;

  @BeforeEach
  void start() {
    pub = PubFixture.start(lifecycle, PubLimits.defaults(), async);
    lifecycle.permitAllWith(job.internalName(), Map.of("call_timeout", 1));
    job.answerAfterRelease("{\"sum\":42}");
  }

  @AfterEach
  void stop() {
    job.release();
    pub.close();
    job.close();
    lifecycle.close();
  }

  private HttpRequest.Builder call() {
    return pub.request(CALL)
        .timeout(Duration.ofSeconds(20))
        .header("X-Racetrack-Auth", "t")
        .POST(HttpRequest.BodyPublishers.ofString("{\"numbers\":[40,2]}"));
  }

  @Test
  void jobSlowerThanItsCallTimeout_gets504NamingTheLimit() {
    HttpResponse<String> response = pub.send(call().build());

    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(PubFixture.json(response).path("error").asText())
        .isEqualTo("job adder 1.2.3 did not answer within its call_timeout of 1 s");
    assertThat(PubFixture.json(response).path("requestId").asText())
        .isEqualTo(response.headers().firstValue("X-Request-Tracing-Id").orElseThrow());
    assertThat(async.adopted).isEmpty();
  }

  @Test
  void jobSlowerThanItsCallTimeout_withPreferRespondAsync_becomesAnAsyncTask() {
    HttpResponse<String> response = pub.send(call().header("Prefer", "respond-async").build());

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.headers().firstValue("Location")).contains("/pub/async/task/t-2/poll");
    assertThat(async.adopted).hasSize(1);
    FakeAsyncEndpoint.Adopted adopted = async.adopted.get(0);
    assertThat(adopted.job()).isEqualTo("adder");
    assertThat(adopted.version()).isEqualTo("1.2.3");
    assertThat(adopted.path()).isEqualTo("/api/v1/perform");
    assertThat(new String(adopted.request().body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"numbers\":[40,2]}");
    assertThat(adopted.answer()).isNotDone();

    job.release();

    await().until(adopted.answer()::isDone);
    assertThat(adopted.answer().join().status()).isEqualTo(200);
    assertThat(new String(adopted.answer().join().body(), StandardCharsets.UTF_8))
        .isEqualTo("{\"sum\":42}");
    assertThat(job.received()).hasSize(1);
  }

  @Test
  void jobWithinItsCallTimeout_answersNormally() {
    job.release();

    HttpResponse<String> response = pub.send(call().header("Prefer", "respond-async").build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(async.adopted).isEmpty();
  }
}
