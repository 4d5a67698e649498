package dev.racetrack.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.racetrack.model.Json;
import dev.racetrack.testsupport.Tools;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Python client ({@code racetrack-client} 2.36.0, {@code racetrack_client} package of
 * TheRacetrack/racetrack at the "Release version 2.36.0" commit) cannot be installed on these
 * machines, so this test replays the HTTP requests it sends, as its {@code utils/request.py}
 * ({@code Requests._make_request}, on {@code urllib.request}) puts them on the wire: the method and
 * path under the remote {@code http://HOST:PORT/lifecycle} ({@code client_config/alias.py} {@code
 * _infer_full_lifecycle_url} adds {@code /lifecycle}), header names title-cased by urllib in its
 * order ({@code Accept-Encoding: identity}, {@code Host}, {@code X-Racetrack-Auth}, {@code
 * Content-Type: application/json; charset=utf-8}, {@code Content-Length}, {@code Accept:
 * application/json, *}{@code /*}, {@code User-Agent: request}, {@code Connection: close}), JSON
 * bodies as {@code json.dumps} writes them ({@code ", "} and {@code ": "} separators), the build
 * context made by Python's own {@code tarfile} and {@code base64} as {@code encode_build_context}
 * does. It then asserts that every answer field the client reads is there with the type it expects,
 * and that answers the client parses are {@code application/json}.
 *
 * <p>The requests, by client file and function:
 *
 * <ul>
 *   <li>login: {@code client_config/auth.py} {@code authorize_username_password} (POST {@code
 *       /api/v1/users/login}, reads {@code token}; 401 on a wrong password), {@code
 *       login_user_auth} via {@code utils/auth.py} {@code validate_user_auth} (GET {@code
 *       /api/v1/users/validate_user_auth}, reads {@code username}; 401 for a bad token) and {@code
 *       get_user_auth} via {@code is_auth_required} (GET {@code /api/v1/info} without a token,
 *       reads {@code auth_required});
 *   <li>get pub: {@code client_config/remote.py} {@code get_current_pub_address} (GET {@code
 *       /api/v1/info}, reads {@code external_pub_url}); get remote, get config and get auth-token
 *       send nothing;
 *   <li>set credentials: {@code client_config/update.py} {@code set_credentials} sends nothing; the
 *       credentials travel in the deploy payload's {@code git_credentials} ({@code
 *       client/deploy.py} {@code get_git_credentials}, {@code Credentials.model_dump()});
 *   <li>deploy: {@code client/deploy.py} {@code send_deploy_request} (POST {@code /api/v1/deploy}
 *       with {@code manifest}, {@code git_credentials}, {@code secret_vars} ({@code build_env},
 *       {@code runtime_env}), {@code build_context}, {@code force}, {@code build_flags}; reads
 *       {@code id}) and {@code _wait_for_deployment_result} (GET {@code /api/v1/deploy/ID}; reads
 *       {@code warnings}, {@code status} (lower-cased), {@code error} when failed, {@code phase},
 *       and {@code job.pub_url} when done);
 *   <li>list: {@code client/manage.py} {@code list_jobs} (GET {@code /api/v1/job}; reads {@code
 *       name}, {@code version}, {@code status}, {@code job_type_version}, {@code
 *       infrastructure_target}, {@code deployed_by}, {@code update_time} and {@code last_call_time}
 *       (integer seconds or null, {@code utils/time.py}), {@code pub_url});
 *   <li>logs: {@code client/logs.py} {@code show_runtime_logs} (GET {@code
 *       /api/v1/job/NAME/latest}, reads {@code version}) and {@code _show_runtime_logs_once} (GET
 *       {@code /api/v1/job/NAME/VERSION/logs?tail=20}, reads {@code logs}); build-logs: {@code
 *       show_build_logs} (GET {@code .../build-logs?tail=0}, reads {@code logs});
 *   <li>call: {@code client/call.py} {@code call_job} (GET {@code /api/v1/job/NAME/VERSION}, reads
 *       {@code pub_url}; POST {@code PUB_URL/api/v1/perform} with the token, answer parsed by
 *       {@code parse_response});
 *   <li>move and delete: {@code client/manage.py} {@code move_job} (POST {@code
 *       /api/v1/job/NAME/VERSION/move} with {@code infrastructure_target}) and {@code delete_job}
 *       (DELETE {@code /api/v1/job/NAME/VERSION}, no body); both answers go through {@code
 *       parse_response}, which reads {@code error} from a failure.
 * </ul>
 *
 * Not replayed: {@code logs --follow} (Socket.IO, {@code client/socketio.py}; lifecycle's StreamsIT
 * speaks that protocol) and the plugin commands.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfficialClientWireIT {
  private static final String JSON_CONTENT = "application/json; charset=utf-8";

  @TempDir static Path home;
  private PlatformFixture platform;
  private URI lifecycle;
  private String token;

  @BeforeAll
  void start() {
    Tools.require("python3");
    platform = new PlatformFixture(home, Map.of());
    lifecycle = URI.create(platform.lifecycle("/lifecycle"));
  }

  @AfterAll
  void stop() {
    if (platform != null) {
      platform.close();
    }
  }

  /** An answer as the client sees it. */
  private record Answer(int status, String contentType, String body) {
    JsonNode json() {
      assertThat(contentType)
          .as("the client parses only application/json")
          .contains("application/json");
      return PlatformFixture.json(body);
    }
  }

  /**
   * Sends one request as urllib does for {@code Requests._make_request}: its header order and
   * spelling, {@code Connection: close}, and reads the answer until the server closes.
   */
  private Answer send(String method, URI url, String auth, String jsonBody) {
    try {
      return exchange(method, url, auth, jsonBody);
    } catch (IOException e) {
      throw new UncheckedIOException(method + " " + url + ": " + e.getMessage(), e);
    }
  }

  private Answer exchange(String method, URI url, String auth, String jsonBody) throws IOException {
    byte[] body = jsonBody == null ? new byte[0] : jsonBody.getBytes(StandardCharsets.UTF_8);
    String target = url.getRawPath() + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
    List<String> headers = new ArrayList<>();
    headers.add(method + " " + target + " HTTP/1.1");
    headers.add("Accept-Encoding: identity");
    headers.add("Host: " + url.getHost() + ":" + url.getPort());
    if (auth != null) {
      headers.add("X-Racetrack-Auth: " + auth);
    }
    if (jsonBody != null) {
      headers.add("Content-Type: " + JSON_CONTENT);
      headers.add("Content-Length: " + body.length);
    }
    headers.add("Accept: application/json, */*");
    headers.add("User-Agent: request");
    headers.add("Connection: close");
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.writeBytes(
        (String.join("\r\n", headers) + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
    request.writeBytes(body);
    byte[] raw;
    try (Socket socket = new Socket(url.getHost(), url.getPort())) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.toByteArray());
      out.flush();
      InputStream in = socket.getInputStream();
      raw = in.readAllBytes();
    }
    EmbeddedChannel decoder =
        new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(16 << 20));
    decoder.writeInbound(Unpooled.wrappedBuffer(raw));
    decoder.finish();
    FullHttpResponse response = decoder.readInbound();
    assertThat(response).as("an HTTP answer to " + method + " " + target).isNotNull();
    try {
      return new Answer(
          response.status().code(),
          String.valueOf(response.headers().get("Content-Type")),
          response.content().toString(StandardCharsets.UTF_8));
    } finally {
      response.release();
    }
  }

  private URI api(String path) {
    return URI.create(lifecycle + path);
  }

  /** {@code json.dumps} of a flat object of strings, in order. */
  private static String dumps(Map<String, String> fields) {
    List<String> parts = new ArrayList<>();
    fields.forEach((k, v) -> parts.add(quote(k) + ": " + quote(v)));
    return "{" + String.join(", ", parts) + "}";
  }

  private static String quote(String text) {
    return new String(Json.writeBytes(text), StandardCharsets.UTF_8);
  }

  private String login() {
    if (token == null) {
      Map<String, String> credentials = new LinkedHashMap<>();
      credentials.put("username", "admin");
      credentials.put("password", PlatformFixture.ADMIN_PASSWORD);
      Answer answer = send("POST", api("/api/v1/users/login"), null, dumps(credentials));
      assertThat(answer.status()).as(answer.body()).isEqualTo(200);
      token = answer.json().path("token").asText();
    }
    return token;
  }

  @Test
  void login_withPasswordOrToken_answersWhatTheClientReads() {
    Answer info = send("GET", api("/api/v1/info"), null, null);
    assertThat(info.status()).isEqualTo(200);
    assertThat(info.json().path("auth_required").isBoolean()).isTrue();
    assertThat(info.json().path("external_pub_url").isTextual()).isTrue();
    assertThat(info.json().path("external_pub_url").asText()).isNotEmpty();

    Map<String, String> wrong = new LinkedHashMap<>();
    wrong.put("username", "admin");
    wrong.put("password", "not the password");
    assertThat(send("POST", api("/api/v1/users/login"), null, dumps(wrong)).status())
        .as("the client says 'Incorrect username or password' on exactly 401")
        .isEqualTo(401);

    String auth = login();
    assertThat(auth).isNotEmpty();
    Answer valid = send("GET", api("/api/v1/users/validate_user_auth"), auth, null);
    assertThat(valid.status()).isEqualTo(200);
    assertThat(valid.json().path("username").isTextual()).isTrue();
    assertThat(valid.json().path("username").asText()).isEqualTo("admin");
    assertThat(send("GET", api("/api/v1/users/validate_user_auth"), "bogus", null).status())
        .as("the client says 'Invalid Auth Token' on exactly 401")
        .isEqualTo(401);
  }

  @Test
  void jobCommands_deployListLogsCallMoveDelete_answerWhatTheClientReads() throws Exception {
    String auth = login();
    Answer deployed = send("POST", api("/api/v1/deploy"), auth, deployPayload());
    assertThat(deployed.status()).as(deployed.body()).isEqualTo(200);
    String id = deployed.json().path("id").asText();
    assertThat(id).isNotEmpty();
    JsonNode done = awaitDeployment(auth, id);
    assertThat(done.path("status").asText().toLowerCase(java.util.Locale.ROOT)).isEqualTo("done");
    assertThat(done.path("job").isObject()).as("job of a done deployment: " + done).isTrue();
    String pubUrl = done.path("job").path("pub_url").asText();
    assertThat(pubUrl).startsWith("http");

    Answer list = send("GET", api("/api/v1/job"), auth, null);
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.json().isArray()).isTrue();
    JsonNode job = list.json().get(0);
    for (String field :
        List.of(
            "name",
            "version",
            "status",
            "job_type_version",
            "infrastructure_target",
            "deployed_by",
            "pub_url")) {
      assertThat(job.path(field).isTextual()).as(field + " in " + job).isTrue();
    }
    assertThat(job.path("update_time").isIntegralNumber()).as("update_time").isTrue();
    assertThat(job.path("last_call_time").isNull() || job.path("last_call_time").isIntegralNumber())
        .as("last_call_time: " + job.path("last_call_time"))
        .isTrue();

    Answer latest = send("GET", api("/api/v1/job/wire-adder/latest"), auth, null);
    assertThat(latest.json().path("version").asText()).isEqualTo("0.0.1");
    Answer logs = send("GET", api("/api/v1/job/wire-adder/0.0.1/logs?tail=20"), auth, null);
    assertThat(logs.status()).as(logs.body()).isEqualTo(200);
    assertThat(logs.json().path("logs").isTextual()).isTrue();
    Answer buildLogs =
        send("GET", api("/api/v1/job/wire-adder/0.0.1/build-logs?tail=0"), auth, null);
    assertThat(buildLogs.status()).as(buildLogs.body()).isEqualTo(200);
    assertThat(buildLogs.json().path("logs").isTextual()).isTrue();

    Answer forCall = send("GET", api("/api/v1/job/wire-adder/0.0.1"), auth, null);
    String jobPubUrl = forCall.json().path("pub_url").asText();
    Answer called =
        send("POST", URI.create(jobPubUrl + "/api/v1/perform"), auth, "{\"numbers\": [40, 2]}");
    assertThat(called.status()).as(called.body()).isEqualTo(200);
    assertThat(called.json().asInt()).isEqualTo(42);

    Answer moved =
        send(
            "POST",
            api("/api/v1/job/wire-adder/0.0.1/move"),
            auth,
            dumps(Map.of("infrastructure_target", "local-b")));
    assertThat(moved.status()).as(moved.body()).isEqualTo(200);
    moved.json(); // parse_response parses a JSON answer
    Answer badMove =
        send(
            "POST",
            api("/api/v1/job/wire-adder/0.0.1/move"),
            auth,
            dumps(Map.of("infrastructure_target", "mars")));
    assertThat(badMove.status()).isGreaterThanOrEqualTo(400);
    assertThat(badMove.json().path("error").isTextual()).isTrue();

    Answer deleted = send("DELETE", api("/api/v1/job/wire-adder/0.0.1"), auth, null);
    assertThat(deleted.status()).as(deleted.body()).isLessThan(400);
    if (!deleted.body().isEmpty()) {
      deleted.json();
    }
    Answer again = send("DELETE", api("/api/v1/job/wire-adder/0.0.1"), auth, null);
    assertThat(again.status()).isEqualTo(404);
    assertThat(again.json().path("error").isTextual()).isTrue();
  }

  private JsonNode awaitDeployment(String auth, String id) {
    await()
        .atMost(Duration.ofMinutes(2))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () -> {
              JsonNode d = send("GET", api("/api/v1/deploy/" + id), auth, null).json();
              String status = d.path("status").asText().toLowerCase(java.util.Locale.ROOT);
              assertThat(d.path("status").isTextual()).isTrue();
              assertThat(d.has("warnings")).as("warnings key: " + d).isTrue();
              assertThat(d.path("phase").isNull() || d.path("phase").isTextual()).isTrue();
              assertThat(status).as(d.toString()).isNotEqualTo("failed");
              return status.equals("done");
            });
    return send("GET", api("/api/v1/deploy/" + id), auth, null).json();
  }

  /**
   * The deploy payload exactly as the client's {@code json.dumps} writes it, with the build context
   * of a python job made by Python's tarfile and base64 as the client does (a local remote and
   * {@code owner_email: sample@example.com} make the client send the local files), and the git
   * credentials {@code racetrack set credentials} stored for the job's remote.
   */
  private String deployPayload() throws Exception {
    Path job = Files.createDirectories(home.resolve("wire-adder"));
    Files.writeString(
        job.resolve("job.yaml"),
        """
        name: wire-adder
        owner_email: sample@example.com
        version: 0.0.1
        jobtype: python3:latest
        git:
          remote: https://github.com/example/wire-adder
        jobtype_extra:
          entrypoint_path: adder.py
          entrypoint_class: Adder
        """);
    Files.writeString(
        job.resolve("adder.py"),
        "class Adder:\n    def perform(self, numbers: list) -> int:\n        return sum(numbers)\n");
    String script =
        """
        import base64, io, json, os, sys, tarfile
        workdir = sys.argv[1]
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode='w:gz') as tar:
            for name in sorted(os.listdir(workdir)):
                tar.add(os.path.join(workdir, name), arcname=name)
        manifest = {
            'name': 'wire-adder',
            'owner_email': 'sample@example.com',
            'version': '0.0.1',
            'jobtype': 'python3:latest',
            'git': {'remote': 'https://github.com/example/wire-adder'},
            'jobtype_extra': {'entrypoint_path': 'adder.py', 'entrypoint_class': 'Adder'},
        }
        print(json.dumps({
            'manifest': manifest,
            'git_credentials': {'username': 'wire-user', 'password': 'wire-token'},
            'secret_vars': {'build_env': {}, 'runtime_env': {}},
            'build_context': base64.b64encode(buffer.getvalue()).decode(),
            'force': False,
            'build_flags': [],
        }), end='')
        """;
    Process python =
        new ProcessBuilder("python3", "-c", script, job.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String payload = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(python.exitValue()).isZero();
    assertThat(payload).startsWith("{\"manifest\": {\"name\": \"wire-adder\", ");
    return payload;
  }
}
