package dev.racetrack.javawrapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WebSocket endpoints of a java job, served by the wrapper and called directly on its port with the
 * job call secret (as PUB calls it), with the JDK's WebSocket client.
 */
class WebSocketIT {
  private final HttpClient client = HttpClient.newHttpClient();
  private TestJobs.WebSockets job;
  private JobServerFixture server;

  @BeforeEach
  void start() throws Exception {
    job = new TestJobs.WebSockets();
    server = JobServerFixture.ready(job);
  }

  @AfterEach
  void stop() {
    server.close();
    // close() would wait for every websocket of the client to end, also one the test left open
    client.shutdownNow();
  }

  /** Collects what the server sends. */
  static final class Listener implements WebSocket.Listener {
    final List<String> messages = new CopyOnWriteArrayList<>();
    final CompletableFuture<String> closed = new CompletableFuture<>();
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        messages.add(text.toString());
        text.setLength(0);
      }
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket socket, ByteBuffer data, boolean last) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      messages.add("binary:" + new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
      socket.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket socket, int statusCode, String reason) {
      closed.complete(statusCode + " " + reason);
      return null;
    }

    @Override
    public void onError(WebSocket socket, Throwable error) {
      closed.completeExceptionally(error);
    }
  }

  private WebSocket connect(String path, Listener listener, Map<String, String> headers) {
    WebSocket.Builder builder = client.newWebSocketBuilder();
    headers.forEach(builder::header);
    return builder
        .buildAsync(URI.create("ws://127.0.0.1:" + server.server().port() + path), listener)
        .join();
  }

  private WebSocket connect(String path, Listener listener) {
    return connect(path, listener, Map.of(JobCallGuard.HEADER, JobServerFixture.CALL_SECRET));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"/ws/echo", "/pub/job/adder/latest/ws/echo", "/pub/job/adder/0.0.1/ws/echo"})
  void echo_withSecret_greetsAndEchoesTextAndBinary(String path) {
    Listener listener = new Listener();
    WebSocket socket = connect(path, listener);

    socket.sendText("hello", true).join();
    socket
        .sendBinary(
            ByteBuffer.wrap("bytes".getBytes(java.nio.charset.StandardCharsets.UTF_8)), true)
        .join();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(listener.messages)
                    .containsExactly("welcome to /ws/echo", "hello", "binary:bytes"));
    socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
  }

  @Test
  void echo_messageInFragments_arrivesWhole() {
    Listener listener = new Listener();
    WebSocket socket = connect("/ws/echo", listener);

    socket.sendText("frag", false).join();
    socket.sendText("mented", true).join();

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(listener.messages).containsExactly("welcome to /ws/echo", "fragmented"));
    assertThat(job.texts).containsExactly("fragmented");
  }

  @Test
  void close_byClient_reachesOnCloseWithItsCodeAndReason() throws Exception {
    Listener listener = new Listener();
    WebSocket socket = connect("/ws/echo", listener);

    socket.sendClose(4000, "bye").join();

    assertThat(job.closes.poll(10, TimeUnit.SECONDS)).isEqualTo("4000 bye");
    assertThat(listener.closed.get(10, TimeUnit.SECONDS)).startsWith("4000");
  }

  @Test
  void handlerThatThrows_closesTheSessionWith1011() throws Exception {
    Listener listener = new Listener();
    WebSocket socket = connect("/ws/echo", listener);

    socket.sendText("fail", true).join();

    assertThat(listener.closed.get(10, TimeUnit.SECONDS)).startsWith("1011");
  }

  @Test
  void upgrade_withoutSecret_isRefusedWith401() {
    assertThatThrownBy(() -> connect("/ws/echo", new Listener(), Map.of()))
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
    assertThat(job.opened).isEmpty();
  }

  @Test
  void upgrade_withWrongSecret_isRefusedWith401() {
    assertThatThrownBy(
            () -> connect("/ws/echo", new Listener(), Map.of(JobCallGuard.HEADER, "not-it")))
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ws/unknown", "/api/v1/perform", "/pub/job/other/latest/ws/echo"})
  void upgrade_toPathWithoutEndpoint_isRefusedWith404(String path) {
    assertThatThrownBy(() -> connect(path, new Listener()))
        .cause()
        .isInstanceOfSatisfying(
            WebSocketHandshakeException.class,
            e -> assertThat(e.getResponse().statusCode()).isEqualTo(404));
  }

  @Test
  void plainGet_ofWebSocketPath_is404AndHttpKeepsWorking() {
    assertThat(server.get("/ws/echo").statusCode()).isEqualTo(404);
    assertThat(server.perform("{}").statusCode()).isEqualTo(200);
  }

  @Test
  void sessions_areServedConcurrently_andSendFromPerformReachesThem() {
    Listener first = new Listener();
    Listener second = new Listener();
    connect("/ws/echo", first);
    connect("/ws/echo", second);
    await().atMost(Duration.ofSeconds(10)).until(() -> job.opened.size() == 2);

    assertThat(server.perform("{}").body()).isEqualTo("2");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(first.messages).contains("broadcast");
              assertThat(second.messages).contains("broadcast");
            });
  }
}
