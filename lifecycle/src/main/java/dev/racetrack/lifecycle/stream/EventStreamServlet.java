package dev.racetrack.lifecycle.stream;

import dev.racetrack.lifecycle.auth.Authenticator;
import dev.racetrack.lifecycle.auth.UserRoutes;
import dev.racetrack.lifecycle.event.EventBus;
import dev.racetrack.lifecycle.event.JobWatcher;
import dev.racetrack.lifecycle.event.PlatformEvent;
import dev.racetrack.model.error.RacetrackException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /lifecycle/websocket/events}: sends {@code {"event":"job_models_changed"}} to every
 * connected client when the job list changes (the dashboard reloads its jobs then). Unlike the
 * original, the upgrade needs a valid token ({@code X-Racetrack-Auth}, or the browser session
 * cookie); without one it is answered 401. Messages from clients are ignored. Public, as its client
 * class, because Jetty reaches websocket listener methods through method handles.
 */
public final class EventStreamServlet extends JettyWebSocketServlet {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(EventStreamServlet.class);

  @SuppressWarnings("serial") // never serialised
  private final Authenticator authenticator;

  @SuppressWarnings("serial")
  private final EventBus bus;

  @SuppressWarnings("serial")
  private final JobWatcher watcher;

  EventStreamServlet(Authenticator authenticator, EventBus bus, JobWatcher watcher) {
    this.authenticator = authenticator;
    this.bus = bus;
    this.watcher = watcher;
  }

  @Override
  protected void configure(JettyWebSocketServletFactory factory) {
    factory.setIdleTimeout(Duration.ofHours(1));
    factory.setCreator(
        (request, response) -> {
          try {
            Optional<String> token = StreamAuth.token(request.getHeaders());
            if (token.isEmpty()) {
              token = sessionCookie(request.getHttpServletRequest());
            }
            authenticator.authenticate(token);
            return new Client();
          } catch (RacetrackException e) {
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, e.getMessage());
            return null;
          }
        });
  }

  private static Optional<String> sessionCookie(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    return cookies == null
        ? Optional.empty()
        : Arrays.stream(cookies)
            .filter(c -> c.getName().equals(UserRoutes.SESSION_COOKIE))
            .map(c -> URLDecoder.decode(c.getValue(), StandardCharsets.UTF_8))
            .filter(v -> !v.isBlank())
            .findFirst();
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    response.sendError(
        HttpServletResponse.SC_BAD_REQUEST, "this is a websocket endpoint: upgrade to websocket");
  }

  /** One connected client: events go out on its own thread, so a slow client delays no one. */
  public final class Client implements Session.Listener.AutoDemanding {
    private final ExecutorService outbox = Executors.newSingleThreadExecutor();
    private volatile EventBus.Subscription subscription = () -> {};

    @Override
    public void onWebSocketOpen(Session session) {
      subscription = bus.subscribe(event -> outbox.execute(() -> send(session, event)));
      watcher.look();
    }

    private void send(Session session, PlatformEvent event) {
      if (session.isOpen()) {
        session.sendText("{\"event\":\"" + event.name() + "\"}", Callback.NOOP);
      }
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
      subscription.close();
      outbox.shutdownNow();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
      LOG.debug("event stream client failed: {}", cause.toString());
      subscription.close();
      outbox.shutdownNow();
    }
  }
}
