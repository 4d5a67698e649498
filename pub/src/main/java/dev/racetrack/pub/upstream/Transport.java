package dev.racetrack.pub.upstream;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringDomainSocketChannel;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The Netty transport PUB's port and its job connections run on: the event loops' I/O handler and
 * the channel types that go with it. {@code io_uring} and {@code epoll} are Linux's native ones
 * (their libraries ship for x86_64), {@code nio} is the JDK's and runs anywhere.
 *
 * @param name {@code io_uring}, {@code epoll} or {@code nio}
 */
public record Transport(
    String name,
    Supplier<IoHandlerFactory> ioHandlers,
    Class<? extends ServerChannel> serverChannel,
    Class<? extends Channel> tcpChannel,
    Class<? extends Channel> domainChannel) {

  /** The choices {@link #choose} takes, {@code auto} first. */
  public static final List<String> CHOICES = List.of("auto", "io_uring", "epoll", "nio");

  public static final Transport NIO =
      new Transport(
          "nio",
          NioIoHandler::newFactory,
          NioServerSocketChannel.class,
          NioSocketChannel.class,
          NioDomainSocketChannel.class);

  /** The address of a Unix socket as this transport's channels take it. */
  public SocketAddress domainAddress(String path) {
    return name.equals("nio") ? UnixDomainSocketAddress.of(path) : new DomainSocketAddress(path);
  }

  /**
   * The transport named {@code choice} ({@code PUB_TRANSPORT}): {@code auto} takes the first of
   * epoll and NIO that loads here; a native one asked for by name must load, else the reason it did
   * not is the error.
   *
   * @throws IllegalArgumentException naming the choice and why it cannot be used
   */
  public static Transport choose(String choice) {
    String name = choice.trim().toLowerCase(Locale.ROOT);
    return switch (name) {
      case "auto" -> Epoll.isAvailable() ? epoll() : NIO;
      case "io_uring" -> {
        if (!IoUring.isAvailable()) {
          throw new IllegalArgumentException(
              "PUB_TRANSPORT=io_uring, but io_uring cannot be used here: "
                  + IoUring.unavailabilityCause());
        }
        yield ioUring();
      }
      case "epoll" -> {
        if (!Epoll.isAvailable()) {
          throw new IllegalArgumentException(
              "PUB_TRANSPORT=epoll, but epoll cannot be used here: " + Epoll.unavailabilityCause());
        }
        yield epoll();
      }
      case "nio" -> NIO;
      default -> throw new IllegalArgumentException(unknown(choice));
    };
  }

  /** What is wrong with a {@code PUB_TRANSPORT} that is none of {@link #CHOICES}. */
  public static String unknown(String choice) {
    return "PUB_TRANSPORT must be one of " + CHOICES + ", not '" + choice + "'";
  }

  private static Transport epoll() {
    return new Transport(
        "epoll",
        EpollIoHandler::newFactory,
        EpollServerSocketChannel.class,
        EpollSocketChannel.class,
        EpollDomainSocketChannel.class);
  }

  private static Transport ioUring() {
    return new Transport(
        "io_uring",
        IoUringIoHandler::newFactory,
        IoUringServerSocketChannel.class,
        IoUringSocketChannel.class,
        IoUringDomainSocketChannel.class);
  }
}
