package dev.racetrack.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A free loopback port for a server a test starts later, chosen below the kernel's ephemeral range:
 * a port the kernel handed out ({@code bind(0)}) lies in the range it also gives the local side of
 * outgoing connections, so between the choice and the server's bind a client connection of the same
 * test could take it ("port already in use"). Ports below the range are never given to outgoing
 * connections. No port is handed out twice in one JVM.
 */
public final class FreePort {
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
  private static final int LOWEST = 20_000;
  private static final Set<Integer> HANDED_OUT = new HashSet<>();

  private FreePort() {}

  public static synchronized int find() {
    int high = ephemeralLow() - 1;
    if (high - LOWEST >= 1_000) {
      for (int attempt = 0; attempt < 500; attempt++) {
        int port = ThreadLocalRandom.current().nextInt(LOWEST, high + 1);
        if (!HANDED_OUT.contains(port) && bindable(port)) {
          HANDED_OUT.add(port);
          return port;
        }
      }
    }
    return kernelChosen(); // no room below the range (an unusual kernel setting), or all taken
  }

  /** The lowest port of the kernel's ephemeral range (Linux; 32768, its default, elsewhere). */
  static int ephemeralLow() {
    try {
      // readAllLines: readString read this sysctl file as its first byte only (JDK 25.0.3)
      int low =
          Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
      return low >= 1_024 && low <= 65_535 ? low : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  private static boolean bindable(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int kernelChosen() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      HANDED_OUT.add(socket.getLocalPort());
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
