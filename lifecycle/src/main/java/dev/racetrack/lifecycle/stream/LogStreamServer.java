package dev.racetrack.lifecycle.stream;

import dev.racetrack.http.ConcurrencyLimit;
import dev.racetrack.lifecycle.auth.Authenticator;
import dev.racetrack.lifecycle.auth.Caller;
import dev.racetrack.lifecycle.infra.Targets;
import dev.racetrack.lifecycle.job.Jobs;
import dev.racetrack.model.Job;
import dev.racetrack.model.error.NotFoundException;
import dev.racetrack.model.error.RacetrackException;
import dev.racetrack.model.error.ValidationException;
import io.socket.engineio.server.EngineIoServer;
import io.socket.engineio.server.EngineIoServerOptions;
import io.socket.socketio.server.SocketIoServer;
import io.socket.socketio.server.SocketIoSocket;
import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.json.JSONObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live log stream of the original client's {@code racetrack logs NAME --follow}: Socket.IO v5
 * over Engine.IO v4 on {@code /lifecycle/socket.io}, default namespace. The client emits {@code
 * subscribe_for_logs} with {@code {resource_properties: {job_name, job_version, tail}}} and gets
 * the session id as the acknowledgement; each line of the job's output then arrives as a {@code
 * logs_nextline} event carrying {@code {line}}. One session per connection, closed when it goes.
 *
 * <p>Unlike the original, the opening handshake must carry a valid token ({@code X-Racetrack-Auth};
 * refused with 403 otherwise) and a subscription needs read rights on the job.
 */
public final class LogStreamServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LogStreamServer.class);
  private static final Pattern ANSI = Pattern.compile("\u001B\\[[;\\d]*[ -/]*[@-~]");

  private final Authenticator authenticator;
  private final Jobs jobs;
  private final Targets targets;
  private final ConcurrencyLimit limit;
  private final EngineIoServer engine;
  private final Map<String, Closeable> sessions = new ConcurrentHashMap<>();

  public LogStreamServer(
      Authenticator authenticator, Jobs jobs, Targets targets, ConcurrencyLimit limit) {
    this.authenticator = authenticator;
    this.jobs = jobs;
    this.targets = targets;
    this.limit = limit;
    EngineIoServerOptions options = EngineIoServerOptions.newFromDefault();
    options.setCorsHandlingDisabled(true);
    options.setHandshakeInterceptor((query, headers) -> authenticates(headers));
    this.engine = new EngineIoServer(options);
    new SocketIoServer(engine).namespace("/").on("connection", args -> onConnect(args[0]));
  }

  SocketIoServlet servlet() {
    return new SocketIoServlet(engine, this::authenticates);
  }

  private boolean authenticates(Map<String, java.util.List<String>> headers) {
    try {
      authenticator.authenticate(StreamAuth.token(headers));
      return true;
    } catch (RacetrackException e) {
      LOG.info("log stream refused: {}", e.getMessage());
      return false;
    }
  }

  private void onConnect(Object arg) {
    SocketIoSocket socket = (SocketIoSocket) arg;
    socket.on("subscribe_for_logs", args -> subscribe(socket, args));
    socket.on("disconnect", args -> closeSession(socket.getId()));
  }

  private void subscribe(SocketIoSocket socket, Object[] args) {
    Object last = args.length == 0 ? null : args[args.length - 1];
    SocketIoSocket.ReceivedByLocalAcknowledgementCallback ack =
        last instanceof SocketIoSocket.ReceivedByLocalAcknowledgementCallback callback
            ? callback
            : response -> {};
    try {
      JSONObject data =
          args.length > 0 && args[0] instanceof JSONObject json ? json : new JSONObject();
      ack.sendAcknowledgement(open(socket, data.optJSONObject("resource_properties")));
    } catch (RacetrackException e) {
      LOG.info("log stream subscription refused: {}", e.getMessage());
      ack.sendAcknowledgement(new JSONObject().put("error", e.getMessage()));
    }
  }

  private String open(SocketIoSocket socket, JSONObject properties) {
    if (properties == null) {
      throw new ValidationException("subscribe_for_logs needs resource_properties");
    }
    String name = properties.optString("job_name", "");
    String version = properties.optString("job_version", "latest");
    int tail = tail(properties);
    Caller caller = authenticator.authenticate(StreamAuth.token(socket.getInitialHeaders()));
    Job job = jobs.read(caller, name, version);
    String sessionId = socket.getId() + "_" + job.name() + "_" + job.version();
    if (sessions.containsKey(socket.getId())) {
      return sessionId;
    }
    if (job.infrastructureTarget() == null) {
      throw new NotFoundException(
          "job " + job.name() + " v" + job.version() + " is not running anywhere yet");
    }
    ConcurrencyLimit.Slot slot = limit.take(caller.username());
    try {
      Closeable follow =
          targets
              .get(job.infrastructureTarget())
              .followLogs(
                  job.name(),
                  job.version(),
                  tail,
                  line ->
                      socket.send(
                          "logs_nextline",
                          new JSONObject()
                              .put("line", ANSI.matcher(line).replaceAll("").replace("\r", ""))));
      sessions.put(
          socket.getId(),
          () -> {
            try (slot) {
              follow.close();
            }
          });
    } catch (RuntimeException e) {
      slot.close();
      throw e;
    }
    LOG.info("log session {} opened by {}", sessionId, caller.username());
    return sessionId;
  }

  private static int tail(JSONObject properties) {
    Object value = properties.opt("tail");
    if (value == null || JSONObject.NULL.equals(value)) {
      return 20;
    }
    try {
      int tail = Integer.parseInt(value.toString().strip());
      if (tail >= 0) {
        return tail;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new ValidationException("tail must be a whole number >= 0, got '" + value + "'");
  }

  private void closeSession(String socketId) {
    Closeable session = sessions.remove(socketId);
    if (session != null) {
      try {
        session.close();
      } catch (IOException e) {
        LOG.warn("closing log session of {} failed: {}", socketId, e.toString());
      }
    }
  }

  @Override
  public void close() {
    sessions.keySet().forEach(this::closeSession);
    engine.shutdown();
  }
}
