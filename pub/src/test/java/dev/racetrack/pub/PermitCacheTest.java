package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class PermitCacheTest {
  private static final String TOKEN = "eyJhbGciOiJIUzI1NiJ9.secret-part";
  private static final CallPermit PERMIT =
      new CallPermit("adder", "1.2.3", "127.0.0.1:7000", "running", Optional.of("User alice"));

  private final ManualClock clock = new ManualClock();
  private final PermitCache cache =
      new PermitCache(Duration.ofSeconds(60), Duration.ofMinutes(10), clock);

  @Test
  void putIfCurrent_afterAClear_dropsTheAnswerLifecycleGaveBeforeIt() {
    long before = cache.generation();
    cache.clear(); // an invalidation arrives while the answer is on its way
    cache.putIfCurrent("k", PERMIT, before);
    assertThat(cache.fresh("k")).isEmpty();

    cache.putIfCurrent("k", PERMIT, cache.generation());
    assertThat(cache.fresh("k")).contains(PERMIT);
  }

  @Test
  void key_withToken_holdsItsSha256AndNeverTheTokenItself() throws NoSuchAlgorithmException {
    String key = PermitCache.key("adder", "latest", "/perform", Optional.of(TOKEN));

    String sha256 =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest(TOKEN.getBytes(StandardCharsets.UTF_8)));
    assertThat(key).endsWith(sha256).doesNotContain(TOKEN).doesNotContain("secret-part");
  }

  @Test
  void key_sameInputs_sameKey() {
    assertThat(PermitCache.key("adder", "latest", "/p", Optional.of(TOKEN)))
        .isEqualTo(PermitCache.key("adder", "latest", "/p", Optional.of(TOKEN)));
  }

  @Test
  void key_anyPartDifferent_differentKey() {
    String key = PermitCache.key("adder", "latest", "/p", Optional.of(TOKEN));

    assertThat(PermitCache.key("adder2", "latest", "/p", Optional.of(TOKEN))).isNotEqualTo(key);
    assertThat(PermitCache.key("adder", "1.2.3", "/p", Optional.of(TOKEN))).isNotEqualTo(key);
    assertThat(PermitCache.key("adder", "latest", "/q", Optional.of(TOKEN))).isNotEqualTo(key);
    assertThat(PermitCache.key("adder", "latest", "/p", Optional.of(TOKEN + "x")))
        .isNotEqualTo(key);
    assertThat(PermitCache.key("adder", "latest", "/p", Optional.empty())).isNotEqualTo(key);
  }

  @Test
  void key_partsCannotBeShiftedIntoEachOther() {
    assertThat(PermitCache.key("a", "b/c", "", Optional.empty()))
        .isNotEqualTo(PermitCache.key("a/b", "c", "", Optional.empty()));
    assertThat(PermitCache.key("adder", "1", "/x", Optional.empty()))
        .isNotEqualTo(PermitCache.key("adder", "1/x", "", Optional.empty()));
  }

  @Test
  void key_noTokenAndTheLiteralTokenDash_differ() {
    assertThat(PermitCache.key("a", "1", "/", Optional.empty()))
        .isNotEqualTo(PermitCache.key("a", "1", "/", Optional.of("-")));
  }

  @Test
  void fresh_withinTtl_givesThePermit() {
    cache.put("k", PERMIT);
    clock.advance(Duration.ofSeconds(59));

    assertThat(cache.fresh("k")).contains(PERMIT);
  }

  @Test
  void fresh_afterTtl_isEmptyButStaleStillGivesIt() {
    cache.put("k", PERMIT);
    clock.advance(Duration.ofSeconds(61));

    assertThat(cache.fresh("k")).isEmpty();
    assertThat(cache.stale("k")).contains(PERMIT);
  }

  @Test
  void stale_afterStaleTtl_isEmpty() {
    cache.put("k", PERMIT);
    clock.advance(Duration.ofMinutes(10).plusSeconds(1));

    assertThat(cache.stale("k")).isEmpty();
  }

  @Test
  void put_again_restartsTheTtl() {
    cache.put("k", PERMIT);
    clock.advance(Duration.ofSeconds(50));
    cache.put("k", PERMIT);
    clock.advance(Duration.ofSeconds(50));

    assertThat(cache.fresh("k")).contains(PERMIT);
  }

  @Test
  void fresh_unknownKey_isEmpty() {
    assertThat(cache.fresh("nope")).isEmpty();
    assertThat(cache.stale("nope")).isEmpty();
  }

  @Test
  void invalidateJob_dropsOnlyThatJobNotJobsWithALongerName() {
    String adder = PermitCache.key("adder", "1", "/", Optional.of(TOKEN));
    String adderLatest = PermitCache.key("adder", "latest", "/x", Optional.empty());
    String adderTwo = PermitCache.key("adder-two", "1", "/", Optional.of(TOKEN));
    String add = PermitCache.key("add", "1", "/", Optional.of(TOKEN));
    cache.put(adder, PERMIT);
    cache.put(adderLatest, PERMIT);
    cache.put(adderTwo, PERMIT);
    cache.put(add, PERMIT);

    cache.invalidateJob("adder");

    assertThat(cache.stale(adder)).isEmpty();
    assertThat(cache.stale(adderLatest)).isEmpty();
    assertThat(cache.fresh(adderTwo)).contains(PERMIT);
    assertThat(cache.fresh(add)).contains(PERMIT);
  }

  @Test
  void clear_dropsEverything() {
    cache.put("a", PERMIT);
    cache.put("b", PERMIT);

    cache.clear();

    assertThat(cache.size()).isZero();
    assertThat(cache.stale("a")).isEmpty();
  }

  @Test
  void sweep_dropsOnlyEntriesTooOldToBeUsed() {
    cache.put("old", PERMIT);
    clock.advance(Duration.ofMinutes(9));
    cache.put("young", PERMIT);
    clock.advance(Duration.ofMinutes(2));

    cache.sweep();

    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.stale("young")).contains(PERMIT);
  }

  @Test
  void tickerOf_systemClockInAnyZone_isTheNanoTimeTickerNotAClockRead() {
    assertThat(PermitCache.Ticker.of(Clock.systemUTC())).isSameAs(PermitCache.Ticker.SYSTEM);
    assertThat(PermitCache.Ticker.of(Clock.system(ZoneId.of("Europe/Paris"))))
        .isSameAs(PermitCache.Ticker.SYSTEM);
    assertThat(PermitCache.Ticker.of(clock)).isNotSameAs(PermitCache.Ticker.SYSTEM);
  }

  @Test
  void fresh_withATicker_agesByItsNanosecondsToTheNanosecond() {
    AtomicLong nanos = new AtomicLong(Long.MAX_VALUE - 5); // differences survive wrap-around
    PermitCache ticking =
        new PermitCache(Duration.ofSeconds(60), Duration.ofMinutes(10), nanos::get);
    ticking.put("k", PERMIT);

    nanos.addAndGet(Duration.ofSeconds(60).toNanos());
    assertThat(ticking.fresh("k")).contains(PERMIT);

    nanos.incrementAndGet();
    assertThat(ticking.fresh("k")).isEmpty();
    assertThat(ticking.stale("k")).contains(PERMIT);
  }

  @Test
  void sweep_withATicker_dropsOnlyEntriesPastTheStaleTtl() {
    AtomicLong nanos = new AtomicLong();
    PermitCache ticking =
        new PermitCache(Duration.ofSeconds(60), Duration.ofMinutes(10), nanos::get);
    ticking.put("old", PERMIT);
    nanos.addAndGet(Duration.ofMinutes(9).toNanos());
    ticking.put("young", PERMIT);
    nanos.addAndGet(Duration.ofMinutes(1).toNanos() + 1);

    ticking.sweep();

    assertThat(ticking.size()).isEqualTo(1);
    assertThat(ticking.stale("young")).contains(PERMIT);
  }
}
