package dev.racetrack.lifecycle.stream;

import io.socket.engineio.server.EngineIoServer;
import io.socket.engineio.server.EngineIoWebSocket;
import io.socket.engineio.server.utils.ParseQS;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One Engine.IO websocket transport over a Jetty 12 websocket session: hands the session to the
 * Engine.IO server when it opens and relays frames both ways. Writes are serialised and wait for
 * the frame to leave, so a slow client pushes back on the log follower instead of queueing without
 * bound. Public because Jetty reaches its listener methods through method handles.
 */
public final class JettyEngineIoSocket extends EngineIoWebSocket
    implements Session.Listener.AutoDemanding {
  private static final long WRITE_TIMEOUT_SECONDS = 30;

  private final EngineIoServer server;
  private final Map<String, String> query;
  private final Map<String, List<String>> headers;
  private volatile Session session;

  JettyEngineIoSocket(
      EngineIoServer server, String queryString, Map<String, List<String>> headers) {
    this.server = server;
    this.query = queryString == null ? Map.of() : ParseQS.decode(queryString);
    this.headers = Map.copyOf(headers);
  }

  @Override
  public Map<String, String> getQuery() {
    return query;
  }

  @Override
  public Map<String, List<String>> getConnectionHeaders() {
    return headers;
  }

  @Override
  public synchronized void write(String message) throws IOException {
    Callback.Completable sent = new Callback.Completable();
    session.sendText(message, sent);
    await(sent);
  }

  @Override
  public synchronized void write(byte[] message) throws IOException {
    Callback.Completable sent = new Callback.Completable();
    session.sendBinary(ByteBuffer.wrap(message), sent);
    await(sent);
  }

  private static void await(Callback.Completable sent) throws IOException {
    try {
      sent.get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while writing to the websocket", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("websocket write failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    Session current = session;
    if (current != null && current.isOpen()) {
      current.close();
    }
  }

  @Override
  public void onWebSocketOpen(Session session) {
    this.session = session;
    server.handleWebSocket(this);
  }

  @Override
  public void onWebSocketText(String message) {
    emit("message", message);
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    byte[] bytes = new byte[payload.remaining()];
    payload.get(bytes);
    emit("message", (Object) bytes);
    callback.succeed();
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    emit("close");
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    emit("error", "write error", String.valueOf(cause.getMessage()));
  }
}
