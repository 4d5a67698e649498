package dev.racetrack.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.jetty.io.Connection;

/**
 * Closes a new connection at once when its address already holds {@code max} open connections
 * ({@code MAX_CONNECTIONS_PER_ADDRESS}). Trusted proxies are not counted: every client behind them
 * shares their address.
 */
final class ConnectionsPerAddress implements Connection.Listener {
  private final int max;
  private final ClientAddress clientAddress;
  private final Map<String, Integer> open = new ConcurrentHashMap<>();
  // the remote address is gone once the endpoint is closed: remember it per connection
  private final Map<Connection, String> counted = new ConcurrentHashMap<>();

  ConnectionsPerAddress(int max, ClientAddress clientAddress) {
    this.max = max;
    this.clientAddress = clientAddress;
  }

  @Override
  public void onOpened(Connection connection) {
    String address = address(connection.getEndPoint().getRemoteSocketAddress());
    if (address.isEmpty() || clientAddress.isTrustedProxy(address)) {
      return;
    }
    counted.put(connection, address);
    if (open.merge(address, 1, Integer::sum) > max) {
      connection.getEndPoint().close();
    }
  }

  @Override
  public void onClosed(Connection connection) {
    String address = counted.remove(connection);
    if (address != null) {
      open.computeIfPresent(address, (k, n) -> n <= 1 ? null : n - 1);
    }
  }

  private static String address(SocketAddress socket) {
    return socket instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : "";
  }
}
