package dev.racetrack.pub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reuse, idle limits and addresses of the connections to jobs. */
class UpstreamPoolTest {
  @Test
  void released_connection_isReusedNewestFirst_andClosedOnesAreNot() throws IOException {
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        UpstreamPool pool =
            new UpstreamPool(
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(50), 1)) {
      UpstreamPool.Address address = new UpstreamPool.Address("127.0.0.1", server.getLocalPort());
      Upstream first = pool.borrow(address);
      Upstream second = pool.borrow(address);
      assertThat(first.reused()).isFalse();

      pool.release(first, true);
      pool.release(second, true); // over the idle limit of 1: closed

      Upstream again = pool.borrow(address);
      assertThat(again).isSameAs(first);
      assertThat(again.reused()).isTrue();
      assertThat(pool.borrow(address)).isNotSameAs(second);

      pool.release(again, false);
      assertThat(pool.borrow(address)).isNotSameAs(again);
    }
  }

  @Test
  void connectionsIdleTooLong_areNotReused_andTheSweepClosesThem() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        UpstreamPool pool =
            new UpstreamPool(
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(50), 8)) {
      UpstreamPool.Address address = new UpstreamPool.Address("127.0.0.1", server.getLocalPort());
      Upstream first = pool.borrow(address);
      pool.release(first, true);
      Thread.sleep(80);
      assertThat(pool.borrow(address)).isNotSameAs(first);

      Upstream second = pool.borrow(address);
      pool.release(second, true);
      Thread.sleep(80);
      pool.sweep();
      assertThat(pool.borrow(address)).isNotSameAs(second);
    }
  }

  @Test
  void addresses_parseHostAndPort_andRefuseAnythingElse() {
    UpstreamPool pool =
        new UpstreamPool(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1);
    assertThat(pool.address("127.0.0.1:7001"))
        .isEqualTo(new UpstreamPool.Address("127.0.0.1", 7001));
    assertThat(pool.address("[::1]:7001").hostHeader()).isEqualTo("[::1]:7001");
    assertThat(pool.address("job-host:80").hostHeader()).isEqualTo("job-host:80");
    for (String bad : new String[] {"127.0.0.1", "host:port", "host:80/path", "", "a b:80"}) {
      assertThatThrownBy(() -> pool.address(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("invalid job address");
    }
  }

  @Test
  void closedPool_refusesNewConnections() {
    UpstreamPool pool =
        new UpstreamPool(Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 1);
    pool.close();
    assertThatThrownBy(() -> pool.connect(new UpstreamPool.Address("127.0.0.1", 1)))
        .hasMessage("PUB is shutting down");
  }
}
