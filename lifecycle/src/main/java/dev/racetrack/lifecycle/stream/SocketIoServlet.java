package dev.racetrack.lifecycle.stream;

import io.socket.engineio.server.EngineIoServer;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServlet;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServletFactory;

/**
 * Serves an Engine.IO v4 server on one path: long polling through {@link
 * EngineIoServer#handleRequest} and the websocket transport (an upgrade on the same path) through
 * {@link JettyEngineIoSocket}.
 */
final class SocketIoServlet extends JettyWebSocketServlet {
  private static final long serialVersionUID = 1L;

  @SuppressWarnings("serial") // never serialised: the servlet lives in one Jetty server
  private final EngineIoServer engine;

  @SuppressWarnings("serial")
  private final Predicate<Map<String, List<String>>> authenticates;

  /**
   * @param authenticates whether a request's headers carry an acceptable token; a websocket upgrade
   *     without one is answered 403 before upgrading
   */
  SocketIoServlet(EngineIoServer engine, Predicate<Map<String, List<String>>> authenticates) {
    this.engine = engine;
    this.authenticates = authenticates;
  }

  @Override
  protected void configure(JettyWebSocketServletFactory factory) {
    factory.setIdleTimeout(Duration.ofMinutes(2));
    factory.setCreator(
        (request, response) -> {
          if (!authenticates.test(request.getHeaders())) {
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "a valid token is required");
            return null;
          }
          return new JettyEngineIoSocket(engine, request.getQueryString(), request.getHeaders());
        });
  }

  /**
   * Engine.IO's refusal of a polling handshake says only "Bad request" (code 3); a client without a
   * token (the original racetrack-client 2.36 sends none) gets this instead, which it prints.
   */
  static final String REFUSAL =
      "{\"code\":4,\"message\":\"Forbidden: following logs needs a valid token in"
          + " X-Racetrack-Auth (clients that send none, such as the original racetrack-client"
          + " 2.36, cannot follow logs here: use this platform's CLI, racetrack logs NAME"
          + " --follow)\"}";

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (refusedHandshake(request, response)) {
      return;
    }
    engine.handleRequest(request, response);
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (refusedHandshake(request, response)) {
      return;
    }
    engine.handleRequest(request, response);
  }

  /** Answers a polling handshake (a request without a session id) that carries no valid token. */
  private boolean refusedHandshake(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    if (hasSessionId(request.getQueryString()) || authenticates.test(headers(request))) {
      return false;
    }
    response.setStatus(HttpServletResponse.SC_FORBIDDEN);
    response.setContentType("application/json");
    response.getWriter().write(REFUSAL);
    return true;
  }

  /** From the query string only: reading parameters could consume a POST's body. */
  private static boolean hasSessionId(String query) {
    return query != null
        && java.util.Arrays.stream(query.split("&")).anyMatch(p -> p.startsWith("sid="));
  }

  private static Map<String, List<String>> headers(HttpServletRequest request) {
    Map<String, List<String>> headers = new java.util.HashMap<>();
    for (String name : java.util.Collections.list(request.getHeaderNames())) {
      headers.put(name, java.util.Collections.list(request.getHeaders(name)));
    }
    return headers;
  }

  @Override
  protected void doOptions(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    engine.handleRequest(request, response);
  }
}
