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
    Transport nio = Transport.choose("nio");
    assertThat(nio.name()).isEqualTo("nio");
    assertThat(nio.serverChannel()).isEqualTo(NioServerSocketChannel.class);
    assertThat(nio.tcpChannel()).isEqualTo(NioSocketChannel.class);
    assertThat(nio.domainChannel()).isEqualTo(NioDomainSocketChannel.class);
    assertThat(nio.domainAddress("/run/job.sock")).isInstanceOf(UnixDomainSocketAddress.class);
  }

  @Test
  void choose_auto_isEpollWhereItLoads_elseNio() {
    Transport auto = Transport.choose("auto");
    if (Epoll.isAvailable()) {
      assertThat(auto.name()).isEqualTo("epoll");
      assertThat(auto.serverChannel()).isEqualTo(EpollServerSocketChannel.class);
      assertThat(auto.tcpChannel()).isEqualTo(EpollSocketChannel.class);
      assertThat(auto.domainChannel()).isEqualTo(EpollDomainSocketChannel.class);
      assertThat(auto.domainAddress("/run/job.sock")).isInstanceOf(DomainSocketAddress.class);
    } else {
      assertThat(auto.name()).isEqualTo("nio");
    }
  }

  @Test
  void choose_ioUring_whereItLoads_isIoUringsChannels() {
    Tools.requireThat(IoUring.isAvailable(), "io_uring (Linux >= 5.x, not disabled by sysctl)");
    Transport uring = Transport.choose(" IO_URING");
    assertThat(uring.name()).isEqualTo("io_uring");
    assertThat(uring.serverChannel()).isEqualTo(IoUringServerSocketChannel.class);
    assertThat(uring.tcpChannel()).isEqualTo(IoUringSocketChannel.class);
    assertThat(uring.domainChannel()).isEqualTo(IoUringDomainSocketChannel.class);
    assertThat(uring.domainAddress("/run/job.sock")).isInstanceOf(DomainSocketAddress.class);
  }

  @Test
  void choose_unknown_isRefusedNamingTheChoices() {
    assertThatThrownBy(() -> Transport.choose("kqueue"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PUB_TRANSPORT")
        .hasMessageContaining("'kqueue'")
        .hasMessageContaining("[auto, io_uring, epoll, nio]");
  }
}
