package dev.racetrack.javawrapper;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Small job classes following (or breaking) the job code contract. */
public final class TestJobs {
  private TestJobs() {}

  /** The canonical example. */
  public static class Adder {
    public double perform(List<Double> numbers) {
      return numbers.stream().mapToDouble(d -> d).sum();
    }

    public Map<String, Object> docsInputExample() {
      return Map.of("numbers", List.of(40, 2));
    }
  }

  public record Point(int x, int y) {
    public Point {
      if (x < 0 || y < 0) {
        throw new IllegalArgumentException("coordinates must not be negative");
      }
    }
  }

  public static class Geometry {
    public double perform(Point a, Point b) {
      return Math.hypot(a.x() - b.x(), a.y() - b.y());
    }
  }

  public static class Greeter {
    public String perform(String name, Optional<String> greeting) {
      return greeting.orElse("Hello") + ", " + name + "!";
    }
  }

  public static class Recorder {
    final List<String> received = new CopyOnWriteArrayList<>();

    public void perform(String message) {
      received.add(message);
    }
  }

  public static class Counter {
    public int perform(int count) {
      return count + 1;
    }
  }

  public static class Failing {
    public int perform() {
      throw new IllegalStateException("boom");
    }
  }

  public static class TwoPerforms {
    public int perform(int a) {
      return a;
    }

    public String perform(String s) {
      return s;
    }
  }

  public static class NoPerform {
    public int run() {
      return 1;
    }
  }

  public static class ThrowingConstructor {
    public ThrowingConstructor() {
      throw new IllegalStateException("no database");
    }

    public int perform() {
      return 1;
    }
  }

  public static class NeedsArgument {
    public NeedsArgument(String unused) {}

    public int perform() {
      return 1;
    }
  }

  static class NotPublic {
    public int perform() {
      return 1;
    }
  }

  public static class UnencodableExample {
    public int perform(Object value) {
      return 1;
    }

    public Map<String, Object> docsInputExample() {
      return Map.of("value", new Object());
    }
  }

  public static class HugeExample {
    public int perform(String text) {
      return text.length();
    }

    public Map<String, Object> docsInputExample() {
      return Map.of("text", "x".repeat(Entrypoint.MAX_INPUT_EXAMPLE_BYTES));
    }
  }

  public static class ExampleNotMap {
    public int perform(String text) {
      return text.length();
    }

    public Object docsInputExample() {
      return List.of("text");
    }
  }

  /** Blocks in perform until released. */
  public static class Blocking {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);

    public String perform() throws InterruptedException {
      entered.countDown();
      return release.await(10, TimeUnit.SECONDS) ? "released" : "timed out";
    }
  }

  /** Each call waits until the expected number of calls are inside perform at the same time. */
  public static class Rendezvous {
    final CountDownLatch arrived;

    public Rendezvous(int calls) {
      this.arrived = new CountDownLatch(calls);
    }

    public boolean perform() throws InterruptedException {
      arrived.countDown();
      return arrived.await(10, TimeUnit.SECONDS);
    }
  }

  public static class WithMetrics {
    public int perform() {
      return 1;
    }

    public List<Map<String, Object>> metrics() {
      List<Map<String, Object>> metrics = new ArrayList<>();
      metrics.add(Map.of("name", "job_queue_size", "value", 7, "description", "Items waiting"));
      metrics.add(
          Map.of("name", "job_temperature", "value", 21.5, "labels", Map.of("room", "a\"1")));
      Map<String, Object> nullValue = new HashMap<>();
      nullValue.put("name", "job_skipped");
      nullValue.put("value", null);
      metrics.add(nullValue);
      metrics.add(Map.of("name", "bad name!", "value", 1));
      return metrics;
    }
  }

  /** Calls another job through the gateway. */
  public static class Caller {
    public Object perform(int a, int b) {
      return JobCalls.callJob("adder", "/api/v1/perform", Map.of("numbers", List.of(a, b)));
    }
  }

  /** Returns the caller name header of the request being handled. */
  public static class ContextReader {
    public String perform() {
      return RequestContext.current().flatMap(c -> c.header("x-caller-name")).orElse("nobody");
    }
  }

  public enum Color {
    RED,
    GREEN
  }

  public static class Settings {
    public String title;
    public List<Point> points;
    public static int ignored;
  }

  public record Tree(String label, List<Tree> children) {}

  /** One parameter of each kind, for the API description. */
  public static class KitchenSink {
    @SuppressWarnings("unused")
    public String perform(
        int count,
        Long big,
        BigDecimal amount,
        String name,
        boolean flag,
        List<Double> numbers,
        Set<String> tags,
        int[] ids,
        Map<String, Integer> weights,
        Point point,
        Optional<String> comment,
        Color color,
        Settings settings,
        Tree tree,
        Object anything) {
      return "ok";
    }
  }

  /** Sleeps as long as asked; notes when its sleep is interrupted. */
  public static class Sleeper {
    final CountDownLatch interrupted = new CountDownLatch(1);

    public String perform(double seconds) throws InterruptedException {
      try {
        Thread.sleep((long) (seconds * 1000));
        return "slept";
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
    }
  }

  /** A job with a websocket echo endpoint; perform sends "broadcast" to every open session. */
  public static class WebSockets {
    final Set<WebSocketSession> opened = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final List<String> texts = new CopyOnWriteArrayList<>();
    final java.util.concurrent.BlockingQueue<String> closes =
        new java.util.concurrent.LinkedBlockingQueue<>();

    public int perform() {
      opened.forEach(session -> session.sendText("broadcast"));
      return opened.size();
    }

    public Map<String, WebSocketHandler> websocketEndpoints() {
      return Map.of(
          "/ws/echo",
          new WebSocketHandler() {
            @Override
            public void onOpen(WebSocketSession session) {
              opened.add(session);
              session.sendText("welcome to " + session.path());
            }

            @Override
            public void onText(WebSocketSession session, String text) {
              if (text.equals("fail")) {
                throw new IllegalStateException("asked to fail");
              }
              texts.add(text);
              session.sendText(text);
            }

            @Override
            public void onBinary(WebSocketSession session, byte[] data) {
              session.sendBinary(data);
            }

            @Override
            public void onClose(WebSocketSession session, int code, String reason) {
              opened.remove(session);
              closes.add(code + " " + reason);
            }
          });
    }
  }

  public static class WebSocketAtReservedPath extends Adder {
    public Map<String, WebSocketHandler> websocketEndpoints() {
      return Map.of("/api/v1/perform", new WebSocketHandler() {});
    }
  }

  public static class WebSocketNotAHandler extends Adder {
    public Map<String, Object> websocketEndpoints() {
      return Map.of("/ws", "not a handler");
    }
  }
}
