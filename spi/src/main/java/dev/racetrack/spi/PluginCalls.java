package dev.racetrack.spi;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls a plugin's hook in isolation: on a thread of its own, with the plugin's class loader as
 * context loader and a time limit. Whatever goes wrong (an exception, an error such as a missing
 * class, a hang) comes back as a {@link PluginException} naming the plugin and the hook; a hook
 * that hangs is interrupted and left behind.
 */
public final class PluginCalls {
  private final Duration timeout;

  public PluginCalls(Duration timeout) {
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  public Duration timeout() {
    return timeout;
  }

  /** Runs {@code call} as hook {@code hook} of {@code plugin}. */
  public <T> T call(LoadedPlugin plugin, String hook, Callable<T> call) {
    return call(plugin.manifest().id(), plugin.classLoader(), hook, call);
  }

  <T> T call(String pluginId, Optional<ClassLoader> loader, String hook, Callable<T> call) {
    String who = "plugin " + pluginId;
    FutureTask<T> task = new FutureTask<>(call);
    Thread thread = Thread.ofVirtual().name(who + " " + hook).unstarted(task);
    loader.ifPresent(thread::setContextClassLoader);
    thread.start();
    try {
      return task.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      task.cancel(true);
      throw new PluginException(
          who + ": " + hook + " did not finish within " + timeout.toMillis() + " ms", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String message = cause.getMessage() == null ? cause.toString() : cause.getMessage();
      throw new PluginException(who + " failed in " + hook + ": " + message, cause);
    } catch (InterruptedException e) {
      task.cancel(true);
      Thread.currentThread().interrupt();
      throw new PluginException(who + ": interrupted while waiting for " + hook, e);
    }
  }

  void run(String pluginId, Optional<ClassLoader> loader, String hook, Runnable call) {
    call(
        pluginId,
        loader,
        hook,
        () -> {
          call.run();
          return null;
        });
  }

  /** Runs a hook that returns nothing. */
  public void run(LoadedPlugin plugin, String hook, Runnable call) {
    call(
        plugin,
        hook,
        () -> {
          call.run();
          return null;
        });
  }
}
