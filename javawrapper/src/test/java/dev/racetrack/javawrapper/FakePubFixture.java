package dev.racetrack.javawrapper;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A stand-in for the Racetrack gateway: records requests and answers with a canned response. */
final class FakePubFixture implements AutoCloseable {
  record Recorded(String method, String path, Headers headers, String body) {}

  private final HttpServer server;
  private final List<Recorded> requests = new CopyOnWriteArrayList<>();
  private volatile int status = 200;
  private volatile String body = "42.0";
  private final CountDownLatch unblock = new CountDownLatch(1);
  private volatile boolean blocking;

  FakePubFixture() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String requestBody =
          new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      requests.add(
          new Recorded(
              exchange.getRequestMethod(),
              exchange.getRequestURI().getPath(),
              exchange.getRequestHeaders(),
              requestBody));
      if (blocking) {
        unblock.await(30, TimeUnit.SECONDS);
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void respond(int newStatus, String newBody) {
    status = newStatus;
    body = newBody;
  }

  void blockResponses() {
    blocking = true;
  }

  String pubUrl() {
    return "http://"
        + server.getAddress().getHostString()
        + ":"
        + server.getAddress().getPort()
        + "/pub";
  }

  List<Recorded> requests() {
    return requests;
  }

  Recorded onlyRequest() {
    if (requests.size() != 1) {
      throw new AssertionError("expected one request, got " + requests);
    }
    return requests.get(0);
  }

  @Override
  public void close() {
    unblock.countDown();
    server.stop(0);
  }
}
