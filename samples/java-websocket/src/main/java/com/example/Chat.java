package com.example;

import dev.racetrack.javawrapper.WebSocketClosedException;
import dev.racetrack.javawrapper.WebSocketHandler;
import dev.racetrack.javawrapper.WebSocketSession;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** A sample java job with WebSocket endpoints: an echo and a chat room. */
public class Chat {
  private final Set<WebSocketSession> room = ConcurrentHashMap.newKeySet();

  /**
   * Posts a message to every session of the chat room and returns how many got it. With {@code
   * delaySeconds} it waits first (longer than the job's call_timeout of 5 s gets a 504).
   */
  public int perform(String message, Optional<Double> delaySeconds) throws InterruptedException {
    if (delaySeconds.isPresent()) {
      Thread.sleep((long) (delaySeconds.get() * 1000));
    }
    return broadcast("perform: " + message);
  }

  /** The job's WebSocket endpoints, served under the job's path (e.g. .../ws/echo). */
  public Map<String, WebSocketHandler> websocketEndpoints() {
    return Map.of("/ws/echo", new Echo(), "/ws/chat", new Room());
  }

  /** Example input shown in the job's Swagger page. */
  public Map<String, Object> docsInputExample() {
    return Map.of("message", "hello, chat");
  }

  private int broadcast(String text) {
    int delivered = 0;
    for (WebSocketSession session : room) {
      try {
        session.sendText(text);
        delivered++;
      } catch (WebSocketClosedException e) {
        room.remove(session);
      }
    }
    return delivered;
  }

  /** Answers every message with itself. */
  static final class Echo implements WebSocketHandler {
    @Override
    public void onText(WebSocketSession session, String text) {
      session.sendText(text);
    }

    @Override
    public void onBinary(WebSocketSession session, byte[] data) {
      session.sendBinary(data);
    }
  }

  /** Sends each message to every session in the room. */
  final class Room implements WebSocketHandler {
    @Override
    public void onOpen(WebSocketSession session) {
      room.add(session);
      session.sendText("joined as " + session.id());
    }

    @Override
    public void onText(WebSocketSession session, String text) {
      broadcast(session.id() + ": " + text);
    }

    @Override
    public void onClose(WebSocketSession session, int code, String reason) {
      room.remove(session);
    }
  }
}
