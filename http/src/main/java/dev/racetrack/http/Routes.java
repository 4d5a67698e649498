package dev.racetrack.http;

import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/** One feature's endpoints. Implementations list their routes as method references. */
public interface Routes {

  /** Registers this feature's endpoints. */
  void register(RouteTable routes);

  /**
   * Mounts servlets that Javalin's routes cannot express (a protocol library's servlet, a websocket
   * endpoint sharing its path with long polling) under every base path. Those requests bypass the
   * routes' before-handlers, so such a servlet authenticates its callers itself.
   */
  default void mountServlets(ServletContextHandler context, List<String> basePaths) {}
}
