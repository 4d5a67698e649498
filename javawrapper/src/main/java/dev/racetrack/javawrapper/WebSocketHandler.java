package dev.racetrack.javawrapper;

/**
 * A WebSocket endpoint of a job, declared by the entrypoint class:
 *
 * <pre>{@code
 * public Map<String, WebSocketHandler> websocketEndpoints() {
 *   return Map.of("/ws/echo", new WebSocketHandler() {
 *     public void onText(WebSocketSession session, String text) { session.sendText(text); }
 *   });
 * }
 * }</pre>
 *
 * <p>The wrapper serves each path (relative to the job, like {@code /api/v1/perform}) to upgrade
 * requests that carry the job call secret, as every call does through PUB. The callbacks of one
 * session run one after another on a virtual thread of their own (they may block); different
 * sessions run concurrently, so a handler shared by sessions must be thread-safe. A callback that
 * throws closes its session with status 1011. Messages split in fragments arrive whole; a message
 * larger than the job's body limit ({@code JOB_MAX_BODY_BYTES}) closes the session.
 */
public interface WebSocketHandler {

  /** The handshake is done; the session can send. */
  default void onOpen(WebSocketSession session) {}

  /** A text message arrived. */
  default void onText(WebSocketSession session, String text) {}

  /** A binary message arrived. */
  default void onBinary(WebSocketSession session, byte[] data) {}

  /**
   * The session is closed: {@code code} is the status the peer sent in its close frame (1005 when
   * it sent none, 1006 when the connection dropped without a close frame).
   */
  default void onClose(WebSocketSession session, int code, String reason) {}
}
