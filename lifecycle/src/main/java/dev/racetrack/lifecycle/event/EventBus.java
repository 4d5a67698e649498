package dev.racetrack.lifecycle.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In-process publish/subscribe of {@link PlatformEvent}s. Publishing calls every subscriber on the
 * publisher's thread; a subscriber that throws is logged and does not stop the others, so a
 * subscriber that may block (a slow websocket) hands the event to its own thread.
 */
public final class EventBus {
  private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

  private final List<Consumer<PlatformEvent>> subscribers = new CopyOnWriteArrayList<>();

  /** A subscription; closing it stops the deliveries. */
  public interface Subscription extends AutoCloseable {
    @Override
    void close();
  }

  public Subscription subscribe(Consumer<PlatformEvent> subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  public void publish(PlatformEvent event) {
    for (Consumer<PlatformEvent> subscriber : subscribers) {
      try {
        subscriber.accept(event);
      } catch (RuntimeException e) {
        LOG.warn("an event subscriber failed on {}: {}", event.name(), e.toString());
      }
    }
  }

  public boolean hasSubscribers() {
    return !subscribers.isEmpty();
  }
}
