package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JobRequestsTest {
  private static final CallPermit PERMIT =
      new CallPermit("adder", "1.2.3", "127.0.0.1:7000", "running", Optional.of("alice"));
  private static final ProxyCall.Target TARGET =
      new ProxyCall.Target(
          "/api/v1/perform",
          new JobCall.Route(
              "/job/adder/latest/api/v1/perform",
              "/pub/job/adder/latest/api/v1/perform",
              "x=1",
              Optional.empty()));

  private static HttpRequest clientRequest() {
    HttpRequest request =
        new DefaultHttpRequest(
            HttpVersion.HTTP_1_1, HttpMethod.POST, "/pub/job/adder/latest/api/v1/perform?x=1");
    request
        .headers()
        .add("Host", "pub.example.com")
        .add("Content-Type", "application/json")
        .add("Content-Length", "20")
        .add("X-Racetrack-Auth", "the-token")
        .add("Connection", "keep-alive, X-Hop")
        .add("X-Hop", "hop")
        .add("Cookie", "X-Racetrack-Auth-adder=the-token; theme=dark")
        .add("X-Forwarded-For", "10.0.0.1")
        .add("X-Racetrack-Job-Secret", "forged")
        .add("X-Caller-Name", "mallory");
    return request;
  }

  @Test
  void forJob_rewritesTheClientsHeadInPlace_withoutCopyingIt() {
    HttpRequest client = clientRequest();

    HttpRequest job =
        JobRequests.forJob(
            client,
            PERMIT,
            TARGET,
            new JobRequests.Hop("trace-1", "127.0.0.9", false, "the-secret"));

    assertThat(job).isSameAs(client);
    assertThat(job.uri()).isEqualTo("/pub/job/adder/1.2.3/api/v1/perform?x=1");
    HttpHeaders headers = job.headers();
    assertThat(headers.getAll("Host")).containsExactly("127.0.0.1:7000");
    assertThat(headers.get("Content-Type")).isEqualTo("application/json");
    assertThat(headers.getAll("Content-Length")).containsExactly("20");
    assertThat(headers.get("X-Forwarded-For")).isEqualTo("10.0.0.1, 127.0.0.9");
    assertThat(headers.get("X-Forwarded-Host")).isEqualTo("pub.example.com");
    assertThat(headers.get("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(headers.get("X-Request-Tracing-Id")).isEqualTo("trace-1");
    assertThat(headers.getAll("X-Caller-Name")).containsExactly("alice");
    assertThat(headers.getAll("X-Racetrack-Job-Secret")).containsExactly("the-secret");
    assertThat(headers.getAll("Cookie")).containsExactly("theme=dark");
    assertThat(headers.contains("X-Racetrack-Auth")).isFalse();
    assertThat(headers.contains("Connection")).isFalse();
    assertThat(headers.contains("X-Hop")).isFalse();
  }

  @Test
  void forJob_overTls_forwardsHttpsAsTheScheme() {
    HttpRequest client = clientRequest();
    client.headers().add("X-Forwarded-Proto", "http");

    HttpRequest job =
        JobRequests.forJob(
            client, PERMIT, TARGET, new JobRequests.Hop("trace-1", "127.0.0.9", true, "s"));

    assertThat(job.headers().getAll("X-Forwarded-Proto")).containsExactly("https");
  }

  @Test
  void forClient_rewritesTheJobsAnswerHeadInPlace_withPubsRules() {
    HttpResponse answer = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    answer
        .headers()
        .add("Content-Type", "application/json")
        .add("Connection", "keep-alive")
        .add("Keep-Alive", "timeout=75")
        .add("X-Request-Tracing-Id", "from-the-job")
        .add("X-Content-Type-Options", "whatever");

    HttpResponse out =
        JobRequests.forClient(
            answer, clientRequest(), PERMIT, TARGET, new JobAnswerHeaders(Set.of()));

    assertThat(out).isSameAs(answer);
    HttpHeaders headers = out.headers();
    assertThat(headers.get("Content-Type")).isEqualTo("application/json");
    assertThat(headers.contains("Connection")).isFalse();
    assertThat(headers.contains("Keep-Alive")).isFalse();
    assertThat(headers.contains("X-Request-Tracing-Id")).isFalse();
    assertThat(headers.getAll("X-Content-Type-Options")).containsExactly("nosniff");
    assertThat(headers.get("Content-Security-Policy")).isEqualTo("sandbox");
    assertThat(headers.get("Transfer-Encoding")).isEqualTo("chunked");
  }
}
