package dev.racetrack.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.racetrack.testsupport.Tools;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The java-websocket sample deployed on a running platform: its WebSocket endpoints reached through
 * PUB with a token, and its call_timeout answered 504 by the job's wrapper. The two websocket tests
 * through PUB need PUB to proxy upgrades (issue 8's Netty PUB); before it, PUB forwards the upgrade
 * as a plain GET and the job answers 404.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JavaWebSocketE2EIT {
  private static final Path DIST =
      Path.of(System.getProperty("racetrack.dist", "../server/target/dist"));
  private static final Path SAMPLES =
      Path.of(System.getProperty("racetrack.samples", "../samples"));
  private static final String JOB = "/job/java-websocket/0.0.1";

  @TempDir static Path home;

  private PlatformProcess platform;
  private final HttpClient http = HttpClient.newHttpClient();
  private String token;

  @BeforeAll
  void startPlatformAndDeploy() {
    Tools.require("bwrap"); // jobs run in the sandbox
    assertThat(DIST.resolve("lib"))
        .as("distribution (mvn package of the server module)")
        .isDirectory();
    platform = new PlatformProcess(DIST, home, Map.of());
    platform.start();
    PlatformProcess.CliResult login =
        platform.cli(
            PlatformProcess.ADMIN_PASSWORD + "\n",
            "login",
            "--username",
            "admin",
            "--remote",
            platform.lifecycleUrl());
    assertThat(login.exitCode()).as(login.output()).isZero();
    assertThat(platform.cli("", "set", "remote", platform.lifecycleUrl()).exitCode()).isZero();
    token = platform.cli("", "get", "auth-token").output().strip();
    PlatformProcess.CliResult deploy =
        platform.cli("", "deploy", SAMPLES.resolve("java-websocket").toString());
    assertThat(deploy.exitCode()).as(deploy.output()).isZero();
  }

  @AfterAll
  void stopPlatform() {
    if (platform != null) {
      platform.close();
    }
  }

  /** Collects the text messages a socket receives. */
  static final class Messages implements WebSocket.Listener {
    final List<String> received = new CopyOnWriteArrayList<>();
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        received.add(text.toString());
        text.setLength(0);
      }
      socket.request(1);
      return null;
    }
  }

  private WebSocket connect(String path, Messages listener, boolean withToken) {
    WebSocket.Builder builder = http.newWebSocketBuilder();
    if (withToken) {
      builder.header("X-Racetrack-Auth", token);
    }
    String ws = platform.pubUrl().replaceFirst("^http", "ws");
    return builder.buildAsync(URI.create(ws + JOB + path), listener).join();
  }

  /** Connects with the token; a refused handshake fails naming the answer (PUB's or the job's). */
  private WebSocket connectWithToken(String path, Messages listener) {
    try {
      return connect(path, listener, true);
    } catch (CompletionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException refused) {
        throw new AssertionError(
            "upgrade through PUB refused: %d %s"
                .formatted(refused.getResponse().statusCode(), refused.getResponse().body()),
            e);
      }
      throw e;
    }
  }

  private HttpResponse<String> perform(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(platform.pubUrl() + JOB + "/api/v1/perform"))
            .header("X-Racetrack-Auth", token)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Order(1)
  void perform_throughPub_answers() throws Exception {
    HttpResponse<String> response = perform("{\"message\": \"nobody listens\"}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("0");
  }

  @Test
  @Order(2)
  void echo_throughPubWithToken_echoes() {
    Messages messages = new Messages();
    WebSocket socket = connectWithToken("/ws/echo", messages);

    socket.sendText("hello through PUB", true).join();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(messages.received).containsExactly("hello through PUB"));
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
  }

  @Test
  @Order(3)
  void chat_receivesWhatPerformPosts() throws Exception {
    Messages messages = new Messages();
    WebSocket socket = connectWithToken("/ws/chat", messages);
    // In the room once what it says comes back to it. (Not the room's "joined as" greeting: a
    // message the job sends at once after its 101 does not reach the JDK client through PUB yet,
    // though PUB relays its bytes - an open defect, see the issue note.)
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              socket.sendText("anyone?", true).join();
              assertThat(messages.received).anyMatch(m -> m.endsWith(": anyone?"));
            });

    HttpResponse<String> response = perform("{\"message\": \"hi\"}");

    assertThat(response.body()).isEqualTo("1");
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(messages.received).contains("perform: hi"));
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "").join();
  }

  @Test
  @Order(4)
  void upgrade_withoutToken_isRefused401() {
    assertThatThrownBy(() -> connect("/ws/echo", new Messages(), false))
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
  }

  @Test
  @Order(5)
  void perform_outlivingCallTimeout_is504NamingIt() throws Exception {
    HttpResponse<String> response = perform("{\"message\": \"late\", \"delaySeconds\": 30}");

    assertThat(response.statusCode()).as(response.body()).isEqualTo(504);
    assertThat(response.body()).contains("call_timeout of 5 s");
  }
}
