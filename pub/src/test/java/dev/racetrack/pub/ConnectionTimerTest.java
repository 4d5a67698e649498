package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ConnectionTimerTest {
  private static final long HEAD = TimeUnit.SECONDS.toNanos(30);
  private static final long TWO_HOURS = TimeUnit.HOURS.toNanos(2);
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

  /** A scheduler on a manual clock that counts what was scheduled. */
  private static final class FakeLoop implements ConnectionTimer.Scheduler {
    long now = 1_000_000_000L;
    int scheduled;
    int cancelled;
    final List<Task> tasks = new ArrayList<>();

    record Task(long dueAt, Runnable run, boolean[] cancelled) {}

    @Override
    public ConnectionTimer.Cancellable schedule(Runnable task, long delayNanos) {
      scheduled++;
      boolean[] off = {false};
      tasks.add(new Task(now + delayNanos, task, off));
      return () -> {
        cancelled++;
        off[0] = true;
      };
    }

    /** Moves the clock to {@code t}, running what falls due on the way, in order. */
    void advanceTo(long t) {
      while (true) {
        Task next = null;
        for (Task task : tasks) {
          if (!task.cancelled()[0]
              && task.dueAt() <= t
              && (next == null || task.dueAt() < next.dueAt())) {
            next = task;
          }
        }
        if (next == null) {
          break;
        }
        tasks.remove(next);
        now = Math.max(now, next.dueAt());
        next.run().run();
      }
      now = t;
    }

    void advanceBy(long nanos) {
      advanceTo(now + nanos);
    }

    long pending() {
      return tasks.stream().filter(task -> !task.cancelled()[0]).count();
    }
  }

  private final FakeLoop loop = new FakeLoop();
  private final List<String> events = new ArrayList<>();
  private final ConnectionTimer timer =
      new ConnectionTimer(loop, () -> loop.now, HEAD, () -> events.add("head expired"));

  /** One keep-alive call: head awaited and arrived, a call deadline set, the job answers. */
  private void callAnsweredAfter(long nanos, long timeout) {
    timer.awaitHead();
    loop.advanceBy(nanos);
    timer.headArrived();
    Object call = new Object();
    timer.callDeadline(call, timeout, () -> events.add("call expired"));
    loop.advanceBy(nanos);
    timer.clearCallDeadline(call);
  }

  @Test
  void callsBackToBack_onAKeepAliveConnection_scheduleTheTimerOncePerPeriodNotPerCall() {
    for (int i = 0; i < 10_000; i++) { // 10,000 calls of 1 ms: 20 s, under one head period
      callAnsweredAfter(MS, TWO_HOURS);
    }

    assertThat(events).isEmpty();
    assertThat(loop.scheduled).isEqualTo(1);
    assertThat(loop.cancelled).isZero();
    assertThat(loop.pending()).isEqualTo(1);
  }

  @Test
  void callsBackToBack_withAShortCallTimeout_rearmOnlyWhenTheShorterTimeoutFirstAppears() {
    long second = TimeUnit.SECONDS.toNanos(1);
    for (int i = 0; i < 5_000; i++) { // 10 s of calls with a 1 s call timeout
      callAnsweredAfter(MS, second);
    }

    assertThat(events).isEmpty();
    // the first arming, one re-arm for the shorter timeout, then about one per second
    assertThat(loop.scheduled).isBetween(2, 14);
  }

  @Test
  void callDeadline_passedBeforeTheJobAnswers_runsItsExpiryOnceAtTheDeadline() {
    timer.awaitHead();
    timer.headArrived();
    Object call = new Object();
    timer.callDeadline(call, TimeUnit.SECONDS.toNanos(1), () -> events.add("call expired"));

    loop.advanceBy(999 * MS);
    assertThat(events).isEmpty();
    loop.advanceBy(MS);
    assertThat(events).containsExactly("call expired");
    loop.advanceBy(TimeUnit.SECONDS.toNanos(10));
    assertThat(events).containsExactly("call expired");
  }

  @Test
  void callDeadline_clearedBeforeItPasses_neverRuns() {
    timer.awaitHead();
    timer.headArrived();
    Object call = new Object();
    timer.callDeadline(call, TimeUnit.SECONDS.toNanos(1), () -> events.add("call expired"));
    timer.clearCallDeadline(call);

    loop.advanceBy(TimeUnit.SECONDS.toNanos(20));

    assertThat(events).isEmpty();
  }

  @Test
  void clearCallDeadline_byAnEarlierCall_leavesTheCurrentCallsDeadline() {
    Object earlier = new Object();
    Object current = new Object();
    timer.callDeadline(earlier, TWO_HOURS, () -> events.add("earlier expired"));
    timer.callDeadline(current, TimeUnit.SECONDS.toNanos(1), () -> events.add("current expired"));
    timer.clearCallDeadline(earlier);

    loop.advanceBy(TimeUnit.SECONDS.toNanos(2));

    assertThat(events).containsExactly("current expired");
  }

  @Test
  void head_notArrivedWithinItsTimeout_expiresAtTheDeadline() {
    callAnsweredAfter(MS, TWO_HOURS); // the timer is already armed by an earlier request
    timer.awaitHead();
    long awaited = loop.now;

    loop.advanceTo(awaited + HEAD - MS);
    assertThat(events).isEmpty();
    loop.advanceTo(awaited + HEAD);
    assertThat(events).containsExactly("head expired");
  }

  @Test
  void stop_cancelsTheTimer_andNothingFiresAfterwards() {
    timer.awaitHead();
    timer.callDeadline(new Object(), MS, () -> events.add("call expired"));
    timer.stop();

    loop.advanceBy(TimeUnit.MINUTES.toNanos(5));

    assertThat(events).isEmpty();
    assertThat(loop.pending()).isZero();
  }
}
