package dev.racetrack.pub.async;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * Test code: a Unix socket whose connections are forwarded byte for byte to a TCP address, as the
 * Docker target's relay forwards to a job in its own network namespace.
 */
final class UnixRelay implements AutoCloseable {
  private final ServerSocketChannel server;

  private UnixRelay(ServerSocketChannel server) {
    this.server = server;
  }

  static UnixRelay start(Path socket, String hostAndPort) throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    int colon = hostAndPort.lastIndexOf(':');
    InetSocketAddress target =
        new InetSocketAddress(
            hostAndPort.substring(0, colon), Integer.parseInt(hostAndPort.substring(colon + 1)));
    Thread.ofVirtual()
        .start(
            () -> {
              while (server.isOpen()) {
                try {
                  SocketChannel client = server.accept();
                  Socket job = new Socket(target.getAddress(), target.getPort());
                  pump(Channels.newInputStream(client), job.getOutputStream(), job);
                  pump(job.getInputStream(), Channels.newOutputStream(client), client);
                } catch (IOException e) {
                  return; // closed by the test
                }
              }
            });
    return new UnixRelay(server);
  }

  private static void pump(InputStream from, OutputStream to, AutoCloseable closeAfter) {
    Thread.ofVirtual()
        .start(
            () -> {
              try (closeAfter) {
                from.transferTo(to);
              } catch (Exception e) {
                // one side closed: the other follows
              }
            });
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
