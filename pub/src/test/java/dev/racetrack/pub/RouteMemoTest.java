package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RouteMemoTest {
  private static final JobCall.Route ROUTE =
      new JobCall.Route(
          "/job/adder/1.0.0/api/v1/perform",
          "/pub/job/adder/1.0.0/api/v1/perform",
          null,
          Optional.empty());
  private static final RouteMemo.Routed ROUTED =
      new RouteMemo.Routed(ROUTE, "adder/1.0.0/api/v1/perform");

  private final RouteMemo memo = new RouteMemo();

  @Test
  void routed_sameUriAndHost_isRemembered() {
    memo.remember(ROUTE.path(), Optional.of("pub"), ROUTED);

    assertThat(memo.routed(ROUTE.path(), Optional.of("pub"))).containsSame(ROUTED);
  }

  @Test
  void routed_otherUriOrHost_isWorkedOutAfresh() {
    memo.remember(ROUTE.path(), Optional.of("pub"), ROUTED);

    assertThat(memo.routed(ROUTE.path() + "?x=1", Optional.of("pub"))).isEmpty();
    assertThat(memo.routed(ROUTE.path(), Optional.of("adder.jobs.example.com"))).isEmpty();
    assertThat(memo.routed(ROUTE.path(), Optional.empty())).isEmpty();
  }

  @Test
  void routed_afterClear_isEmpty() {
    memo.remember(ROUTE.path(), Optional.empty(), ROUTED);

    memo.clear();

    assertThat(memo.routed(ROUTE.path(), Optional.empty())).isEmpty();
  }

  @Test
  void target_onlyForTheSameJobPath() {
    RouteMemo.Target target = new RouteMemo.Target("adder", "1.0.0", "/api/v1/perform");
    memo.remember("adder/1.0.0/api/v1/perform", target);

    assertThat(memo.target("adder/1.0.0/api/v1/perform")).containsSame(target);
    assertThat(memo.target("adder/1.0.0/api/v1/other")).isEmpty();
  }

  @Test
  void key_sameTargetAndToken_isBuiltOnce_anotherTokenGetsItsOwnKey() {
    RouteMemo.Target target = new RouteMemo.Target("adder", "1.0.0", "/api/v1/perform");

    String first = memo.key(target, "hash-a");
    String again = memo.key(new RouteMemo.Target("adder", "1.0.0", "/api/v1/perform"), "hash-a");
    String other = memo.key(target, "hash-b");

    assertThat(again).isSameAs(first);
    assertThat(first)
        .isEqualTo(PermitCache.keyOfHash("adder", "1.0.0", "/api/v1/perform", "hash-a"));
    assertThat(other)
        .isEqualTo(PermitCache.keyOfHash("adder", "1.0.0", "/api/v1/perform", "hash-b"));
  }

  @Test
  void perJob_isLookedUpOncePerPermit() {
    AtomicInteger lookUps = new AtomicInteger();
    CallPermit permit =
        new CallPermit("adder", "1.0.0", "127.0.0.1:7000", "running", Optional.empty());
    PubMetrics metrics = new PubMetrics();
    java.util.function.Function<CallPermit, RouteMemo.PerJob> lookUp =
        p ->
            new RouteMemo.PerJob(
                metrics.job(p.jobName(), p.jobVersion()), "s" + lookUps.incrementAndGet());

    RouteMemo.PerJob first = memo.perJob(permit, lookUp);
    RouteMemo.PerJob again = memo.perJob(permit, lookUp);
    RouteMemo.PerJob refreshed =
        memo.perJob(
            new CallPermit("adder", "1.0.0", "127.0.0.1:7000", "running", Optional.empty()),
            lookUp);

    assertThat(again).isSameAs(first);
    assertThat(refreshed.secret()).isEqualTo("s2");
  }
}
