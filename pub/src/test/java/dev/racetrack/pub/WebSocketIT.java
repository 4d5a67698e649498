package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * WebSockets through PUB: an authorised upgrade reaches the job and frames flow both ways; the
 * token is checked at the handshake and an unauthorised upgrade gets 401 without reaching the job.
 */
class WebSocketIT {
  private final FakeLifecycleFixture lifecycle = FakeLifecycleFixture.start();
  private final FakeWebSocketJobFixture job = new FakeWebSocketJobFixture();
  private final PubFixture pub = PubFixture.start(lifecycle);
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    http.shutdownNow();
    pub.close();
    job.close();
    lifecycle.close();
  }

  private URI uri() {
    return URI.create("ws://" + pub.hostAndPort() + "/pub/job/adder/latest/ws");
  }

  @Test
  void authorisedUpgrade_isProxiedBothWays() throws Exception {
    lifecycle.permitAll(job.internalName(), Optional.empty());
    LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
    WebSocket socket =
        http.newWebSocketBuilder()
            .header("X-Racetrack-Auth", "token-of-alice")
            .connectTimeout(Duration.ofSeconds(5))
            .buildAsync(uri(), collector(received))
            .get(10, TimeUnit.SECONDS);

    socket.sendText("hello", true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("HELLO");
    socket.sendText("again", true).get(5, TimeUnit.SECONDS);
    assertThat(received.poll(10, TimeUnit.SECONDS)).isEqualTo("AGAIN");
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);

    assertThat(job.secrets)
        .containsExactly(PubFixture.SECRETS.secret("adder", FakeLifecycleFixture.RESOLVED_VERSION));
    assertThat(lifecycle.lastCall().path()).isEqualTo("/ws");
  }

  @Test
  void unauthorisedUpgrade_gets401_andNeverReachesTheJob() {
    lifecycle.refuse(401, "no token");

    CompletableFuture<WebSocket> attempt =
        http.newWebSocketBuilder().buildAsync(uri(), collector(new LinkedBlockingQueue<>()));

    assertThatThrownBy(() -> attempt.get(10, TimeUnit.SECONDS))
        .hasCauseInstanceOf(WebSocketHandshakeException.class)
        .satisfies(
            e ->
                assertThat(((WebSocketHandshakeException) e.getCause()).getResponse().statusCode())
                    .isEqualTo(401));
    assertThat(job.secrets).isEmpty();
  }

  private static WebSocket.Listener collector(LinkedBlockingQueue<String> received) {
    return new WebSocket.Listener() {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          received.add(text.toString());
          text.setLength(0);
        }
        webSocket.request(1);
        return null;
      }
    };
  }
}
