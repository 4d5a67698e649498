package dev.racetrack.pub.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.racetrack.testsupport.Tools;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.UnixDomainSocketAddress;
import org.junit.jupiter.api.Test;

class TransportTest {
  @Test
  void choose_nio_isTheJdksChannels_withJdkUnixAddresses() {
    assertTransport(
        Transport.choose("nio"),
        "nio",
        NioServerSocketChannel.class,
        NioSocketChannel.class,
        NioDomainSocketChannel.class,
        UnixDomainSocketAddress.class);
  }

  @Test
  void choose_auto_isEpollWhereItLoads_elseNio() {
    Transport auto = Transport.choose("auto");
    if (Epoll.isAvailable()) {
      assertTransport(
          auto,
          "epoll",
          EpollServerSocketChannel.class,
          EpollSocketChannel.class,
          EpollDomainSocketChannel.class,
          DomainSocketAddress.class);
    } else {
      assertThat(auto.name()).isEqualTo("nio");
    }
  }

  @Test
  void choose_ioUring_whereItLoads_isIoUringsChannels() {
    Tools.requireThat(IoUring.isAvailable(), "io_uring (Linux >= 5.x, not disabled by sysctl)");
    assertTransport(
        Transport.choose(" IO_URING"),
        "io_uring",
        IoUringServerSocketChannel.class,
        IoUringSocketChannel.class,
        IoUringDomainSocketChannel.class,
        DomainSocketAddress.class);
  }

  @Test
  void choose_unknown_isRefusedNamingTheChoices() {
    assertThatThrownBy(() -> Transport.choose("kqueue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PUB_TRANSPORT")
        .hasMessageContaining("'kqueue'")
        .hasMessageContaining("[auto, io_uring, epoll, nio]");
  }

  private static void assertTransport(
      Transport transport,
      String name,
      Class<?> server,
      Class<?> tcp,
      Class<?> domain,
      Class<?> domainAddress) {
    assertThat(transport.name()).isEqualTo(name);
    assertThat(transport.serverChannel()).as(name).isEqualTo(server);
    assertThat(transport.tcpChannel()).as(name).isEqualTo(tcp);
    assertThat(transport.domainChannel()).as(name).isEqualTo(domain);
    assertThat(transport.domainAddress("/run/job.sock")).as(name).isInstanceOf(domainAddress);
  }
}
