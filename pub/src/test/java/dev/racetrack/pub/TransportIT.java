package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import dev.racetrack.testsupport.Tools;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * PUB on each network transport {@code PUB_TRANSPORT} offers proxies a call both ways, with a body
 * larger than the socket buffers each way (so reading stops and resumes), over one kept-alive
 * client connection.
 */
class TransportIT {
  private static final String TOKEN = "token-of-alice";
  private static final int SIZE = 3 * 1024 * 1024 + 17;

  @ParameterizedTest
  @ValueSource(strings = {"nio", "epoll", "io_uring"})
  void call_onEachTransport_carriesLargeBodiesBothWays(String transport) {
    Tools.requireThat(
        switch (transport) {
          case "epoll" -> Epoll.isAvailable();
          case "io_uring" -> IoUring.isAvailable();
          default -> true;
        },
        "Netty's " + transport + " transport (Linux x86_64, not disabled by the kernel)");
    try (FakeLifecycleFixture lifecycle = FakeLifecycleFixture.start();
        FakeJobFixture job = FakeJobFixture.start()) {
      lifecycle.permitAll(job.internalName(), Optional.of("User alice"));
      try (PubFixture pub = PubFixture.start(lifecycle, transport)) {
        job.answerWithStream(SIZE);
        byte[] upload = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
          upload[i] = (byte) (i * 31 + 7);
        }
        for (int call = 0; call < 2; call++) {
          HttpResponse<byte[]> response =
              pub.send(
                  pub.request("/pub/job/adder/latest/api/v1/perform")
                      .header("X-Racetrack-Auth", TOKEN)
                      .POST(HttpRequest.BodyPublishers.ofByteArray(upload))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());

          assertThat(response.statusCode()).as(transport).isEqualTo(200);
          assertThat(response.body()).as(transport).isEqualTo(JobProxyIT.pattern(SIZE));
          assertThat(job.received().get(call).body()).as(transport).isEqualTo(upload);
        }
        // a token lifecycle refuses gets 401 and nothing reaches the job, on this transport too
        lifecycle.refuse(401, "given access token has been revoked");
        HttpResponse<String> refused =
            pub.get("/pub/job/adder/latest/api/v1/perform", "X-Racetrack-Auth", "token-of-mallory");
        assertThat(refused.statusCode()).as(transport).isEqualTo(401);
        assertThat(job.received()).as(transport).hasSize(2);
      }
    }
  }
}
