package dev.racetrack.pub.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.concurrent.AbstractScheduledEventExecutor;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UpstreamPoolTest {
  private static final String ADDRESS = "127.0.0.1:7000";
  private static final UpstreamListener CALL =
      new UpstreamListener() {
        @Override
        public void answer(HttpObject piece) {}

        @Override
        public void writabilityChanged(boolean writable) {}

        @Override
        public void failed(Throwable cause) {}
      };

  private final UpstreamPool pool =
      new UpstreamPool(EmbeddedChannel.class, Duration.ofSeconds(1), Duration.ofSeconds(50), 8);

  private static EmbeddedChannel jobConnection() {
    EmbeddedChannel channel = new EmbeddedChannel(new UpstreamHandler());
    channel.attr(UpstreamPool.ADDRESS).set(ADDRESS);
    return channel;
  }

  private static int scheduledTasks(Channel channel) throws ReflectiveOperationException {
    Field queue = AbstractScheduledEventExecutor.class.getDeclaredField("scheduledTaskQueue");
    queue.setAccessible(true);
    Collection<?> tasks = (Collection<?>) queue.get(channel.eventLoop());
    return tasks == null ? 0 : tasks.size();
  }

  @Test
  void release_manyCallsOnOneConnection_keepsOneIdleTimer() throws Exception {
    EmbeddedChannel channel = jobConnection();
    pool.release(channel);
    for (int call = 0; call < 1_000; call++) {
      Channel borrowed = pool.acquire(channel.eventLoop(), ADDRESS, CALL).getNow();
      assertThat(borrowed).isSameAs(channel);
      pool.release(channel);
    }
    assertThat(scheduledTasks(channel)).isEqualTo(1);
  }

  @Test
  void release_idleForMaxIdle_closesTheConnection() {
    EmbeddedChannel channel = jobConnection();
    pool.release(channel);
    channel.advanceTimeBy(30, TimeUnit.SECONDS);
    pool.acquire(channel.eventLoop(), ADDRESS, CALL).getNow();
    pool.release(channel); // used again: idle from now on
    channel.advanceTimeBy(30, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isTrue();

    channel.advanceTimeBy(21, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void release_busyAtMaxIdle_keepsTheConnection() {
    EmbeddedChannel channel = jobConnection();
    pool.release(channel);
    pool.acquire(channel.eventLoop(), ADDRESS, CALL).getNow();
    channel.advanceTimeBy(120, TimeUnit.SECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isTrue();
  }
}
