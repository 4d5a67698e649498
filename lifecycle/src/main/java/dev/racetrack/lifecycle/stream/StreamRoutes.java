package dev.racetrack.lifecycle.stream;

import dev.racetrack.http.RouteTable;
import dev.racetrack.http.Routes;
import dev.racetrack.lifecycle.auth.Authenticator;
import dev.racetrack.lifecycle.event.EventBus;
import dev.racetrack.lifecycle.event.JobWatcher;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;

/**
 * The streaming endpoints, mounted as servlets under every base path: the Socket.IO log stream at
 * {@code /socket.io} (so {@code /lifecycle/socket.io}, where the original client looks) and the
 * job-change event stream at {@code /websocket/events}.
 */
public final class StreamRoutes implements Routes {
  private final LogStreamServer logs;
  private final Authenticator authenticator;
  private final EventBus bus;
  private final JobWatcher watcher;

  public StreamRoutes(
      LogStreamServer logs, Authenticator authenticator, EventBus bus, JobWatcher watcher) {
    this.logs = logs;
    this.authenticator = authenticator;
    this.bus = bus;
    this.watcher = watcher;
  }

  @Override
  public void register(RouteTable routes) {
    // servlets only, see mountServlets
  }

  @Override
  public void mountServlets(ServletContextHandler context, List<String> basePaths) {
    // the websocket container that JettyWebSocketServlet upgrades through (idempotent)
    JettyWebSocketServletContainerInitializer.configure(context, null);
    for (String base : basePaths) {
      ServletHolder socketIo = new ServletHolder("socket.io" + base, logs.servlet());
      socketIo.setAsyncSupported(true);
      context.addServlet(socketIo, base + "/socket.io/*");
      ServletHolder events =
          new ServletHolder("events" + base, new EventStreamServlet(authenticator, bus, watcher));
      context.addServlet(events, base + "/websocket/events");
    }
  }
}
