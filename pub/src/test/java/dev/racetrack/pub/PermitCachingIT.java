package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * PUB remembers granted calls for the cache TTL, falls back on them while lifecycle is down (up to
 * the stale TTL) and forgets them when lifecycle says so (§5.3).
 */
class PermitCachingIT {
  private static final String CALL = "/pub/job/adder/latest/api/v1/perform";
  private static final String TOKEN = "token-of-alice";
  private static final Duration JUST_AFTER_TTL = PubFixture.CACHE_TTL.plusMillis(1);

  private FakeLifecycleFixture lifecycle;
  private FakeJobFixture job;
  private PubFixture pub;

  @BeforeEach
  void start() {
    lifecycle = FakeLifecycleFixture.start();
    job = FakeJobFixture.start();
    lifecycle.permitAll(job.internalName(), Optional.of("User alice"));
    pub = PubFixture.start(lifecycle);
  }

  @AfterEach
  void stop() {
    pub.close();
    job.close();
    lifecycle.close();
  }

  private HttpResponse<String> call() {
    return pub.get(CALL, "X-Racetrack-Auth", TOKEN);
  }

  @Test
  void cache_sameCallWithinTtl_doesNotAskLifecycleAgain() {
    call();
    pub.clock.advance(PubFixture.CACHE_TTL.minusMillis(1));
    HttpResponse<String> second = call();

    assertThat(second.statusCode()).isEqualTo(200);
    assertThat(lifecycle.callCount()).isEqualTo(1);
    assertThat(job.received()).hasSize(2);
    assertThat(job.received().get(1).path()).isEqualTo("/pub/job/adder/1.2.3/api/v1/perform");
    assertThat(job.received().get(1).header("X-Caller-Name")).contains("User alice");
    assertThat(pub.metrics())
        .containsPattern("(?m)^pub_lifecycle_calls_total 1\\.0$")
        .containsPattern("(?m)^pub_lifecycle_cache_retrieved_responses_total 1\\.0$");
  }

  @Test
  void cache_sameTokenFromCookie_usesTheSameEntry() {
    call();
    pub.get(CALL, "Cookie", "X-Racetrack-Auth-adder=" + TOKEN);

    assertThat(lifecycle.callCount()).isEqualTo(1);
  }

  @Test
  void cache_differentQueryOnly_usesTheSameEntry() {
    pub.get(CALL + "?a=1", "X-Racetrack-Auth", TOKEN);
    pub.get(CALL + "?a=2", "X-Racetrack-Auth", TOKEN);

    assertThat(lifecycle.callCount()).isEqualTo(1);
    assertThat(job.received().get(1).query()).isEqualTo("a=2");
  }

  @Test
  void cache_differentToken_asksLifecycleAgain() {
    call();
    pub.get(CALL, "X-Racetrack-Auth", "token-of-bob");

    assertThat(lifecycle.callCount()).isEqualTo(2);
    assertThat(lifecycle.lastCall().token()).contains("token-of-bob");
  }

  @Test
  void cache_noTokenAfterAToken_asksLifecycleAgain() {
    call();
    pub.get(CALL);

    assertThat(lifecycle.callCount()).isEqualTo(2);
    assertThat(lifecycle.lastCall().token()).isEmpty();
  }

  @Test
  void cache_differentPath_asksLifecycleAgain() {
    call();
    pub.get("/pub/job/adder/latest/api/v1/other", "X-Racetrack-Auth", TOKEN);

    assertThat(lifecycle.callCount()).isEqualTo(2);
    assertThat(lifecycle.lastCall().path()).isEqualTo("/api/v1/other");
  }

  @Test
  void cache_differentVersionAsAsked_asksLifecycleAgain() {
    call();
    pub.get("/pub/job/adder/1.2.3/api/v1/perform", "X-Racetrack-Auth", TOKEN);

    assertThat(lifecycle.callCount()).isEqualTo(2);
  }

  @Test
  void cache_afterTtl_asksLifecycleAgainAndFollowsItsNewAnswer() {
    call();
    try (FakeJobFixture moved = FakeJobFixture.start()) {
      lifecycle.permitAll(moved.internalName(), Optional.of("User alice"));
      pub.clock.advance(JUST_AFTER_TTL);

      call();

      assertThat(lifecycle.callCount()).isEqualTo(2);
      assertThat(moved.received()).hasSize(1);
      assertThat(job.received()).hasSize(1);
    }
  }

  @Test
  void cache_afterTtl_revokedTokenIsRefusedEvenThoughAPermitIsStillStale() {
    call();
    lifecycle.refuse(401, "given access token has been revoked");
    pub.clock.advance(JUST_AFTER_TTL);

    HttpResponse<String> response = call();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(job.received()).hasSize(1);
  }

  @Test
  void cache_afterTtl_maintenanceIsNotMaskedByTheStalePermit() {
    call();
    lifecycle.refuse(503, "Racetrack is currently in maintenance mode");
    pub.clock.advance(JUST_AFTER_TTL);

    assertThat(call().statusCode()).isEqualTo(503);
  }

  @Test
  void staleIfError_lifecycleDown_usesPermitYoungerThanStaleTtl() {
    call();
    lifecycle.stop();
    pub.clock.advance(PubFixture.STALE_TTL.minusSeconds(1));

    HttpResponse<String> response = call();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(job.received()).hasSize(2);
    assertThat(job.received().get(1).header("X-Caller-Name")).contains("User alice");
    assertThat(pub.metrics())
        .containsPattern("(?m)^pub_lifecycle_cache_recovered_failed_responses(_total)? 1\\.0$")
        .containsPattern("(?m)^pub_lifecycle_errors(_total)? 1\\.0$");
  }

  @Test
  void staleIfError_lifecycleFailsWith500_usesStalePermit() {
    call();
    lifecycle.refuse(500, "database is gone");
    pub.clock.advance(JUST_AFTER_TTL);

    assertThat(call().statusCode()).isEqualTo(200);
    assertThat(lifecycle.callCount()).isEqualTo(2);
  }

  @Test
  void staleIfError_beyondStaleTtl_gives503() {
    call();
    lifecycle.stop();
    pub.clock.advance(PubFixture.STALE_TTL.plusSeconds(1));

    HttpResponse<String> response = call();

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(job.received()).hasSize(1);
  }

  @Test
  void staleIfError_permitOfAnotherToken_isNotUsed() {
    call();
    lifecycle.stop();

    assertThat(pub.get(CALL, "X-Racetrack-Auth", "token-of-bob").statusCode()).isEqualTo(503);
  }

  @Test
  void refusals_areNeverCached() {
    lifecycle.refuse(401, "token is unknown");
    assertThat(call().statusCode()).isEqualTo(401);
    lifecycle.refuse(404, "Job was not found");
    assertThat(call().statusCode()).isEqualTo(404);
    lifecycle.permitAll(job.internalName(), Optional.empty());

    assertThat(call().statusCode()).isEqualTo(200);
    assertThat(lifecycle.callCount()).isEqualTo(3);
  }

  @Test
  void invalidate_withInternalToken_makesTheNextCallAskLifecycle() {
    call();

    HttpResponse<String> response = invalidate(Optional.of(PubFixture.INTERNAL_TOKEN));
    call();

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(PubFixture.json(response).path("invalidated").asBoolean()).isTrue();
    assertThat(lifecycle.callCount()).isEqualTo(2);
  }

  @Test
  void invalidate_alsoDropsThePermitsKeptForStaleIfError() {
    call();
    invalidate(Optional.of(PubFixture.INTERNAL_TOKEN));
    lifecycle.stop();

    assertThat(call().statusCode()).isEqualTo(503);
  }

  @Test
  void invalidate_withWrongToken_is401AndKeepsTheCache() {
    call();

    HttpResponse<String> response = invalidate(Optional.of(PubFixture.INTERNAL_TOKEN + "x"));
    call();

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(PubFixture.json(response).path("error").asText()).isNotEmpty();
    assertThat(lifecycle.callCount()).isEqualTo(1);
  }

  @Test
  void invalidate_withAUsersTokenOnlyInACookie_is401() {
    call();

    HttpResponse<String> response =
        pub.send(
            pub.request("/pub/cache/invalidate")
                .header("Cookie", "X-Racetrack-Auth-adder=" + PubFixture.INTERNAL_TOKEN)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void invalidate_withoutToken_is401() {
    call();

    assertThat(invalidate(Optional.empty()).statusCode()).isEqualTo(401);
    call();
    assertThat(lifecycle.callCount()).isEqualTo(1);
  }

  @Test
  void invalidate_withGet_is405AndKeepsTheCache() {
    call();

    HttpResponse<String> response =
        pub.get("/pub/cache/invalidate", "X-Racetrack-Auth", PubFixture.INTERNAL_TOKEN);
    call();

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(lifecycle.callCount()).isEqualTo(1);
  }

  private HttpResponse<String> invalidate(Optional<String> token) {
    HttpRequest.Builder request =
        pub.request("/pub/cache/invalidate").POST(HttpRequest.BodyPublishers.noBody());
    token.ifPresent(t -> request.header("X-Racetrack-Auth", t));
    return pub.send(request.build());
  }
}
