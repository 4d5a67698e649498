package dev.racetrack.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.manifest.Manifest;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The streaming interfaces against a running lifecycle: the Socket.IO log stream of the original
 * client's {@code racetrack logs --follow} (Socket.IO v5 over Engine.IO v4, the protocol of
 * python-socketio 5, spoken here by the Java socket.io-client 2), following a job's real log file
 * on the local target, and the job-change event stream.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamsIT {
  private LifecycleFixture lifecycle;
  private String admin;
  private Path logFile;

  @BeforeAll
  void start() throws Exception {
    lifecycle = new LifecycleFixture(Map.of("JOB_WATCHER_INTERVAL_MS", "100"));
    admin = lifecycle.adminToken();
    insertJob("chatty", "1.2.0");
    logFile =
        lifecycle
            .dataDir()
            .resolve("infrastructure/local/jobs")
            .resolve(Manifest.resourceName("chatty", "1.2.0"))
            .resolve("logs/job.log");
    Files.createDirectories(logFile.getParent());
    Files.writeString(logFile, "an old line\n");
  }

  @AfterAll
  void stop() {
    lifecycle.close();
  }

  private void insertJob(String name, String version) {
    lifecycle
        .jdbi()
        .useHandle(
            h -> {
              String family = UUID.randomUUID().toString();
              h.execute("INSERT INTO registry_jobfamily (id, name) VALUES (?, ?)", family, name);
              h.execute(
                  "INSERT INTO registry_job (id, family_id, name, version, status,"
                      + " infrastructure_target) VALUES (?, ?, ?, ?, 'running', 'local')",
                  UUID.randomUUID().toString(),
                  family,
                  name,
                  version);
            });
  }

  private Socket socketIo(List<String> transports, Map<String, List<String>> headers) {
    IO.Options options =
        IO.Options.builder()
            .setPath("/lifecycle/socket.io")
            .setTransports(transports.toArray(String[]::new))
            .setExtraHeaders(headers)
            .setReconnection(false)
            .build();
    return IO.socket(URI.create(lifecycle.url("")), options);
  }

  /** Emits the original client's subscription; the acknowledgement lands in {@code acks}. */
  private static void emitSubscribe(
      Socket socket, String job, String version, Object tail, Queue<Object> acks) {
    socket.emit(
        "subscribe_for_logs",
        new Object[] {
          new JSONObject()
              .put(
                  "resource_properties",
                  new JSONObject()
                      .put("job_name", job)
                      .put("job_version", version)
                      .put("tail", tail))
        },
        (Ack) args -> acks.add(args[0]));
  }

  private void followsNewLines(List<String> transports, String marker) throws Exception {
    Socket socket = socketIo(transports, Map.of("X-Racetrack-Auth", List.of(admin)));
    Queue<String> lines = new ConcurrentLinkedQueue<>();
    Queue<Object> acks = new ConcurrentLinkedQueue<>();
    socket.on("logs_nextline", args -> lines.add(((JSONObject) args[0]).getString("line")));
    try {
      socket.connect();
      await().atMost(Duration.ofSeconds(10)).until(socket::connected);
      emitSubscribe(socket, "chatty", "latest", 0, acks);
      await().atMost(Duration.ofSeconds(10)).until(() -> !acks.isEmpty());
      assertThat(acks.peek().toString()).isEqualTo(socket.id() + "_chatty_1.2.0");

      Files.writeString(logFile, marker + " \u001B[31mred\u001B[0m\n", StandardOpenOption.APPEND);

      await().atMost(Duration.ofSeconds(15)).until(() -> lines.contains(marker + " red"));
      assertThat(lines).doesNotContain("an old line");
    } finally {
      socket.close();
    }
  }

  @Test
  void socketIo_pollingThenUpgrade_likeThePythonClient_followsNewLogLines() throws Exception {
    followsNewLines(List.of("polling", "websocket"), "line-after-polling");
  }

  @Test
  void socketIo_websocketOnly_followsNewLogLines() throws Exception {
    followsNewLines(List.of("websocket"), "line-after-websocket");
  }

  @Test
  void socketIo_withoutToken_isRefusedAtTheHandshake() {
    for (List<String> transports : List.of(List.of("polling"), List.of("websocket"))) {
      Socket socket = socketIo(transports, Map.of());
      Queue<Object> errors = new ConcurrentLinkedQueue<>();
      socket.on(Socket.EVENT_CONNECT_ERROR, args -> errors.add(args.length > 0 ? args[0] : ""));
      try {
        socket.connect();
        await().atMost(Duration.ofSeconds(10)).until(() -> !errors.isEmpty());
        assertThat(socket.connected()).isFalse();
      } finally {
        socket.close();
      }
    }
  }

  @Test
  void socketIo_withWrongToken_orUnknownJob_isRefused() {
    for (List<String> transports : List.of(List.of("polling"), List.of("websocket"))) {
      Socket wrong = socketIo(transports, Map.of("X-Racetrack-Auth", List.of("a.b.c")));
      Queue<Object> errors = new ConcurrentLinkedQueue<>();
      wrong.on(Socket.EVENT_CONNECT_ERROR, args -> errors.add("refused"));
      try {
        wrong.connect();
        await(transports.toString()).atMost(Duration.ofSeconds(10)).until(() -> !errors.isEmpty());
        assertThat(wrong.connected()).isFalse();
      } finally {
        wrong.close();
      }
    }

    assertThat(subscribe(admin, "nosuchjob", 0).toString()).contains("error").contains("nosuchjob");
  }

  /**
   * A polling handshake without a token (what the original racetrack-client 2.36 sends) is refused
   * with 403 and a message the client prints, naming the header and the way to follow logs here.
   */
  @Test
  void socketIo_pollingHandshakeWithoutToken_isRefusedWithAnExplanation() {
    HttpResponse<String> refused =
        lifecycle.get("/lifecycle/socket.io/?EIO=4&transport=polling&t=x", null);

    assertThat(refused.statusCode()).isEqualTo(403);
    JsonNode body = LifecycleFixture.json(refused.body());
    assertThat(body.path("code").asInt()).isEqualTo(4);
    assertThat(body.path("message").asText())
        .contains("X-Racetrack-Auth")
        .contains("racetrack logs NAME --follow");
  }

  /**
   * A caller who may not read a job gets no log stream of it, like any other read of the job: an
   * ESC has no read rights on a job until it is granted some.
   */
  @Test
  void socketIo_callerWithoutReadRightsOnTheJob_isRefused() {
    HttpResponse<String> created =
        lifecycle.post("/api/v1/escs", Map.of("name", "log-reader"), admin);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    String esc = LifecycleFixture.json(created.body()).path("id").asText();
    String escToken =
        LifecycleFixture.json(lifecycle.get("/api/v1/auth/token/esc/" + esc, admin).body())
            .path("token")
            .asText();

    Object refused = subscribe(escToken, "chatty", 0);

    assertThat(refused.toString()).contains("error").doesNotContain(socketIdSuffix());
  }

  /** The original client sends {@code tail} as a string ({@code str(tail)}); it is read as one. */
  @Test
  void socketIo_tailAsAString_likeTheOriginalClient_sendsTheLastLines() throws Exception {
    Files.writeString(logFile, "tail-line-one\ntail-line-two\n", StandardOpenOption.APPEND);
    Socket socket = socketIo(List.of("websocket"), Map.of("X-Racetrack-Auth", List.of(admin)));
    Queue<String> lines = new ConcurrentLinkedQueue<>();
    Queue<Object> acks = new ConcurrentLinkedQueue<>();
    socket.on("logs_nextline", args -> lines.add(((JSONObject) args[0]).getString("line")));
    try {
      socket.connect();
      await().atMost(Duration.ofSeconds(10)).until(socket::connected);
      emitSubscribe(socket, "chatty", "1.2.0", "2", acks);
      await().atMost(Duration.ofSeconds(10)).until(() -> !acks.isEmpty());
      assertThat(acks.peek().toString()).isEqualTo(socket.id() + "_chatty_1.2.0");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> lines.contains("tail-line-one") && lines.contains("tail-line-two"));
      assertThat(lines).doesNotContain("an old line");
    } finally {
      socket.close();
    }
  }

  private static String socketIdSuffix() {
    return "_chatty_1.2.0";
  }

  /** Connects with a token, subscribes to a job's log and answers the acknowledgement. */
  private Object subscribe(String token, String job, int tail) {
    Socket socket = socketIo(List.of("websocket"), Map.of("X-Racetrack-Auth", List.of(token)));
    Queue<Object> acks = new ConcurrentLinkedQueue<>();
    try {
      socket.connect();
      await().atMost(Duration.ofSeconds(10)).until(socket::connected);
      emitSubscribe(socket, job, "latest", tail, acks);
      await().atMost(Duration.ofSeconds(10)).until(() -> !acks.isEmpty());
      return acks.peek();
    } finally {
      socket.close();
    }
  }

  private CompletionStage<WebSocket> events(Map<String, String> headers, Queue<String> received) {
    WebSocket.Builder builder = HttpClient.newHttpClient().newWebSocketBuilder();
    headers.forEach(builder::header);
    return builder.buildAsync(
        URI.create(lifecycle.url("/lifecycle/websocket/events").replace("http:", "ws:")),
        new WebSocket.Listener() {
          @Override
          public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            received.add(data.toString());
            ws.request(1);
            return null;
          }
        });
  }

  @Test
  void eventStream_whenAJobAppears_sendsJobModelsChanged() {
    Queue<String> received = new ConcurrentLinkedQueue<>();
    WebSocket ws = events(Map.of("X-Racetrack-Auth", admin), received).toCompletableFuture().join();
    try {
      insertJob("newcomer", "0.1.0");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> received.contains("{\"event\":\"job_models_changed\"}"));
    } finally {
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
    }
  }

  @Test
  void eventStream_withoutToken_orWithAWrongOne_isRefused401() {
    for (Map<String, String> headers :
        List.of(Map.<String, String>of(), Map.of("X-Racetrack-Auth", "a.b.c"))) {
      assertThatThrownBy(
              () -> events(headers, new ConcurrentLinkedQueue<>()).toCompletableFuture().join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOf(WebSocketHandshakeException.class)
          .satisfies(
              e ->
                  assertThat(((WebSocketHandshakeException) e).getResponse().statusCode())
                      .isEqualTo(401));
    }
  }
}
