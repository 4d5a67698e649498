package dev.racetrack.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a server's certificate and key files (modification time and size, polled) and hands a
 * freshly loaded {@link ServerKey} to the server when they change. A new pair that cannot be used
 * (unreadable, not PEM, key and certificate not matching, for example while only one of the two
 * files has been replaced) keeps the old one in service and logs an error.
 */
public final class KeyReloader implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KeyReloader.class);

  private final TlsConfig.ServerFiles files;
  private final Consumer<ServerKey> apply;
  private final ScheduledExecutorService timer;
  private List<String> seen;

  private KeyReloader(TlsConfig.ServerFiles files, Consumer<ServerKey> apply) {
    this.files = Objects.requireNonNull(files, "files");
    this.apply = Objects.requireNonNull(apply, "apply");
    this.seen = stamps();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tls-reload");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Starts watching the files of {@code config} (which must have TLS on) every {@code
   * config.reloadInterval()}; {@code apply} gets each new pair that loads.
   */
  public static KeyReloader start(TlsConfig config, Consumer<ServerKey> apply) {
    KeyReloader reloader = new KeyReloader(config.server().orElseThrow(), apply);
    long millis = config.reloadInterval().toMillis();
    reloader.timer.scheduleWithFixedDelay(reloader::check, millis, millis, TimeUnit.MILLISECONDS);
    return reloader;
  }

  /** Loads the files again if they changed since the last look. */
  synchronized void check() {
    List<String> now = stamps();
    if (now.equals(seen)) {
      return;
    }
    seen = now;
    try {
      apply.accept(ServerKey.load(files));
      LOG.info("TLS certificate reloaded from {}", files.certFile());
    } catch (RuntimeException e) {
      LOG.error(
          "TLS certificate or key changed but cannot be used; still serving the previous one: {}",
          e.getMessage());
    }
  }

  private List<String> stamps() {
    return List.of(stamp(files.certFile()), stamp(files.keyFile()));
  }

  private static String stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return a.lastModifiedTime().toMillis() + "/" + a.size() + "/" + a.fileKey();
    } catch (IOException e) {
      return "missing";
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
