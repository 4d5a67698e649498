package dev.racetrack.pub;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** Runs PUB as its own process. */
public final class PubMain {
  private PubMain() {}

  public static void main(String[] args) throws InterruptedException {
    String version =
        Optional.ofNullable(PubMain.class.getPackage().getImplementationVersion()).orElse("dev");
    PubServer pub = PubServer.start(PubConfig.fromEnv(System.getenv()), Clock.systemUTC(), version);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  pub.close();
                  stopped.countDown();
                }));
    stopped.await();
  }
}
