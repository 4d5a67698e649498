package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Jobs' own hosts (issue #7 §4): with {@code PUB_JOB_DOMAIN=jobs.test}, {@code Host:
 * adder.jobs.test} reaches job adder (version latest) through PUB's real port, by the gateway and
 * by the event-loop front alike, and nothing else from there.
 */
class JobHostIT {
  private static final String TOKEN = "token-of-alice";
  private static final String EXTERNAL = "https://pub.example.test";

  private FakeLifecycleFixture lifecycle;
  private FakeJobFixture job;
  private PubFixture pub;

  @BeforeEach
  void start() {
    lifecycle = FakeLifecycleFixture.start();
    job = FakeJobFixture.start();
    lifecycle.permitAll(job.internalName(), Optional.of("User alice"));
    pub = PubFixture.start(lifecycle, Optional.of(URI.create(EXTERNAL)), Optional.of("jobs.test"));
  }

  @AfterEach
  void stop() {
    pub.close();
    job.close();
    lifecycle.close();
  }

  @Test
  void jobHost_path_reachesTheJobsLatestVersion_byGatewayAndFront() {
    for (int i = 0; i < 2; i++) { // the gateway decides, then the front forwards from the cache
      Answer answer =
          raw(
              "POST /api/v1/perform?x=1 HTTP/1.1\r\nHost: Adder.Jobs.Test:"
                  + pub.port()
                  + "\r\nX-Racetrack-Auth: "
                  + TOKEN
                  + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
      assertThat(answer.status()).as(answer.text()).isEqualTo(200);
    }

    assertThat(lifecycle.lastCall().job()).isEqualTo("adder");
    assertThat(lifecycle.lastCall().version()).isEqualTo("latest");
    assertThat(job.received()).hasSize(2);
    for (FakeJobFixture.Received received : job.received()) {
      assertThat(received.path())
          .isEqualTo("/pub/job/adder/" + FakeLifecycleFixture.RESOLVED_VERSION + "/api/v1/perform");
      assertThat(received.query()).isEqualTo("x=1");
    }
  }

  @Test
  void jobHost_pathOfAnotherJob_isRefused_byGatewayAndFront() {
    // on PUB's own host the call is fine, and its permit is now cached for the front
    assertThat(raw(call(pub.hostAndPort(), "/pub/job/other/latest/x")).status()).isEqualTo(200);
    int before = job.received().size();

    for (String host : List.of("adder.jobs.test", "adder.jobs.test:" + pub.port())) {
      for (int i = 0; i < 2; i++) {
        Answer answer = raw(call(host, "/pub/job/other/latest/x"));
        assertThat(answer.status()).as(answer.text()).isEqualTo(404);
      }
    }
    assertThat(job.received()).hasSize(before);
  }

  @Test
  void jobCookies_onTheJobsHost_keepTheirPathButNoDomain_byGatewayAndFront() {
    job.answerWith(
        200,
        java.util.Map.of("Set-Cookie", "session=abc; Path=/app; Domain=jobs.test; HttpOnly"),
        "{}");

    for (int i = 0; i < 2; i++) {
      Answer answer = raw(call("adder.jobs.test", "/app/x"));
      assertThat(answer.header("set-cookie")).containsExactly("session=abc; HttpOnly; Path=/app");
    }
    // on PUB's own host the same answer stays confined to the job's path
    assertThat(raw(call(pub.hostAndPort(), "/pub/job/adder/latest/app/x")).header("set-cookie"))
        .containsExactly("session=abc; HttpOnly; Path=/pub/job/adder/");
  }

  @Test
  void jobHost_withNestedLabels_isRefused() {
    Answer answer = raw(call("a.adder.jobs.test", "/x"));

    assertThat(answer.status()).isEqualTo(400);
    assertThat(job.received()).isEmpty();
  }

  @Test
  void jobHost_explicitPathOfTheSameJob_isServed() {
    Answer answer = raw(call("adder.jobs.test", "/pub/job/adder/latest/x"));

    assertThat(answer.status()).isEqualTo(200);
    assertThat(job.onlyRequest().path())
        .isEqualTo("/pub/job/adder/" + FakeLifecycleFixture.RESOLVED_VERSION + "/x");
  }

  @Test
  void tokenForm_onAJobHost_setsAHostOnlyCookieForTheWholeHost() {
    String form = "token=" + TOKEN + "&back=/pub/job/adder/latest/";
    Answer answer =
        raw(
            "POST /pub/job/adder/_token HTTP/1.1\r\nHost: adder.jobs.test\r\n"
                + "Origin: https://adder.jobs.test\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + form.length()
                + "\r\nConnection: close\r\n\r\n"
                + form);

    assertThat(answer.status()).as(answer.text()).isEqualTo(303);
    assertThat(answer.header("set-cookie"))
        .singleElement()
        .satisfies(c -> AuthCookiesTest.assertAdderCookie(c, TOKEN, "/", true));
  }

  @Test
  void tokenForm_fromPubsHostOnAJobHost_orFromAnotherJobsHost_isRefused() {
    for (String origin : List.of(EXTERNAL, "https://other.jobs.test", "http://adder.jobs.test")) {
      Answer answer = raw(tokenForm("adder.jobs.test", origin));

      assertThat(answer.status()).as(origin).isEqualTo(403);
    }
  }

  @Test
  void tokenForm_onPubsHost_acceptsOnlyTheExternalOrigin_andSetsASecureCookie() {
    Answer fromExternal = raw(tokenForm(pub.hostAndPort(), EXTERNAL));
    Answer fromHost = raw(tokenForm(pub.hostAndPort(), "http://" + pub.hostAndPort()));

    assertThat(fromExternal.status()).isEqualTo(303);
    assertThat(fromExternal.header("set-cookie"))
        .singleElement()
        .satisfies(c -> AuthCookiesTest.assertAdderCookie(c, "t", "/pub/job/adder/", true));
    assertThat(fromHost.status()).isEqualTo(403);
  }

  private static String tokenForm(String host, String origin) {
    return "POST /pub/job/adder/_token HTTP/1.1\r\nHost: "
        + host
        + "\r\nOrigin: "
        + origin
        + "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 7"
        + "\r\nConnection: close\r\n\r\ntoken=t";
  }

  private static String call(String host, String path) {
    return "GET "
        + path
        + " HTTP/1.1\r\nHost: "
        + host
        + "\r\nX-Racetrack-Auth: "
        + TOKEN
        + "\r\nConnection: close\r\n\r\n";
  }

  /** An answer read off the wire. */
  private record Answer(int status, String text) {
    List<String> header(String name) {
      String head = text.substring(0, Math.max(0, text.indexOf("\r\n\r\n")));
      return Arrays.stream(head.split("\r\n"))
          .skip(1)
          .filter(line -> line.toLowerCase(Locale.ROOT).startsWith(name + ":"))
          .map(line -> line.substring(name.length() + 1).strip())
          .toList();
    }
  }

  /** Sends raw bytes (a Host of our choosing) on a new connection and reads until it closes. */
  private Answer raw(String request) {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), pub.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      String text = answer.toString(StandardCharsets.ISO_8859_1);
      return new Answer(Integer.parseInt(text.substring(9, 12)), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
