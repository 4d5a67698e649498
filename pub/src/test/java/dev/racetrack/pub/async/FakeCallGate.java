package dev.racetrack.pub.async;

import dev.racetrack.pub.exchange.PubAnswer;
import dev.racetrack.pub.exchange.PubRequest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * PUB's authorisation as a synchronous call gets it, reduced to tokens: {@code good} may call every
 * job (as caller {@code alice}), {@code stranger} may call none (403), no token is 401. Alias
 * {@code latest} resolves to {@code 1.0.0}. Every job is at {@link #address}.
 */
final class FakeCallGate implements CallGate {
  volatile String address;

  FakeCallGate(String address) {
    this.address = address;
  }

  @Override
  public CompletableFuture<Verdict> admit(
      String name, String version, String path, PubRequest request) {
    Optional<String> token = request.header("X-Racetrack-Auth");
    Verdict verdict;
    if (token.isEmpty()) {
      verdict = new Rejection(PubAnswer.error(401, "Unauthenticated: no token", "Unauthorized"));
    } else if (token.get().equals("good")) {
      verdict =
          new Admission(
              name, version.equals("latest") ? "1.0.0" : version, address, Optional.of("alice"));
    } else {
      verdict = new Rejection(PubAnswer.error(403, "you may not call " + name, "Forbidden"));
    }
    return CompletableFuture.supplyAsync(() -> verdict);
  }

  @Override
  public CompletableFuture<Optional<String>> locate(String name, String version) {
    return CompletableFuture.completedFuture(Optional.of(address));
  }
}
